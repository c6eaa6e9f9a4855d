"""The Gemini dialect end to end in real Envoy: generateContent and
streamGenerateContent?alt=sse behind the OpenAI API."""

import json

import openai

from conftest import clear_mocks, mock_requests
from stack import DEMO_KEY, GEMINI_PROVIDER_KEY


def test_gemini_generate_content(stack, client, auth):
    clear_mocks(stack)
    r = client.post(
        "/v1/chat/completions",
        json={
            "model": "gemini-2.5-flash",
            "messages": [{"role": "system", "content": "Be brief"}, {"role": "user", "content": "hello gemini"}],
        },
        headers=auth,
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["object"] == "chat.completion"
    assert body["model"] == "gemini-2.5-flash"
    assert body["choices"][0]["message"]["content"] == "Mock reply from gemini model gemini-2.5-flash."
    assert body["choices"][0]["finish_reason"] == "stop"
    assert body["usage"]["prompt_tokens"] == 4
    assert r.headers["x-switchboard-provider"] == "gemini"
    [seen] = mock_requests(stack, "mock-gemini")
    assert seen["path"] == "/v1beta/models/gemini-2.5-flash:generateContent"
    assert seen["headers"]["x-goog-api-key"] == GEMINI_PROVIDER_KEY
    assert "authorization" not in seen["headers"]
    assert seen["body"]["systemInstruction"]["parts"][0]["text"] == "Be brief"
    assert seen["body"]["contents"][0]["role"] == "user"


def test_gemini_stream_through_the_sdk_with_usage(stack):
    clear_mocks(stack)
    sdk = openai.OpenAI(base_url=f"{stack.base_url}/v1", api_key=DEMO_KEY, max_retries=0)
    chunks = list(
        sdk.chat.completions.create(
            model="gemini-2.5-flash",
            messages=[{"role": "user", "content": "stream please"}],
            stream=True,
            stream_options={"include_usage": True},
        )
    )
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "Mock reply from gemini model gemini-2.5-flash."
    assert [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason] == ["stop"]
    assert chunks[-1].choices == [] and chunks[-1].usage.prompt_tokens == 2
    [seen] = mock_requests(stack, "mock-gemini")
    assert seen["path"] == "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"


def test_gemini_tool_call_round_trip_keeps_the_thought_signature(stack):
    sdk = openai.OpenAI(base_url=f"{stack.base_url}/v1", api_key=DEMO_KEY, max_retries=0)
    tools = [{"type": "function", "function": {"name": "get_weather", "description": "Weather",
              "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}]
    first = sdk.chat.completions.create(
        model="gemini-2.5-flash", messages=[{"role": "user", "content": "weather in Paris?"}], tools=tools
    )
    assert first.choices[0].finish_reason == "tool_calls"
    call = first.choices[0].message.tool_calls[0]
    assert call.function.name == "get_weather"
    assert json.loads(call.function.arguments) == {"mock": True}
    clear_mocks(stack)
    second = sdk.chat.completions.create(
        model="gemini-2.5-flash",
        tools=tools,
        messages=[
            {"role": "user", "content": "weather in Paris?"},
            first.choices[0].message.model_dump(exclude_none=True),
            {"role": "tool", "tool_call_id": call.id, "content": '{"temp": 21}'},
        ],
    )
    assert second.choices[0].finish_reason == "stop"
    [seen] = mock_requests(stack, "mock-gemini")
    turns = seen["body"]["contents"]
    assert [t["role"] for t in turns] == ["user", "model", "user"]
    assert turns[2]["parts"][0]["functionResponse"]["name"] == "get_weather"
