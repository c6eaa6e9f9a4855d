"""Tool calls through the gateway with the official openai SDK, streaming and
not, for each dialect; the tool result goes back in the provider's dialect."""

import json

import openai
import pytest

from conftest import clear_mocks, mock_requests
from stack import DEMO_KEY

TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Current weather for a city",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
        },
    }
]
MODELS = ["gpt-4o-mini", "claude-sonnet-4-5", "gemini-2.5-flash", "claude-sonnet-4-5-bedrock"]


@pytest.fixture()
def sdk(stack):
    return openai.OpenAI(base_url=f"{stack.base_url}/v1", api_key=DEMO_KEY, max_retries=0, timeout=30)


@pytest.mark.parametrize("model", MODELS)
def test_streamed_tool_call_deltas_assemble_into_one_call(sdk, model):
    calls = {}
    finish = None
    for chunk in sdk.chat.completions.create(
        model=model, messages=[{"role": "user", "content": "weather in Paris?"}], tools=TOOLS, stream=True
    ):
        if not chunk.choices:
            continue
        choice = chunk.choices[0]
        for delta in choice.delta.tool_calls or []:
            call = calls.setdefault(delta.index, {"id": None, "name": "", "arguments": ""})
            if delta.id:
                assert call["id"] is None, "id only in the first delta of a call"
                call["id"] = delta.id
            if delta.function and delta.function.name:
                call["name"] += delta.function.name
            if delta.function and delta.function.arguments:
                call["arguments"] += delta.function.arguments
        finish = choice.finish_reason or finish
    assert finish == "tool_calls"
    assert list(calls) == [0]
    assert calls[0]["id"] and calls[0]["name"] == "get_weather"
    assert json.loads(calls[0]["arguments"]) == {"mock": True}


@pytest.mark.parametrize("model", MODELS)
def test_tool_result_round_trip(stack, sdk, model):
    first = sdk.chat.completions.create(
        model=model, messages=[{"role": "user", "content": "weather in Paris?"}], tools=TOOLS
    )
    assert first.choices[0].finish_reason == "tool_calls"
    call = first.choices[0].message.tool_calls[0]
    clear_mocks(stack)
    second = sdk.chat.completions.create(
        model=model,
        tools=TOOLS,
        messages=[
            {"role": "user", "content": "weather in Paris?"},
            first.choices[0].message.model_dump(exclude_none=True),
            {"role": "tool", "tool_call_id": call.id, "content": '{"temp_c": 21}'},
        ],
    )
    assert second.choices[0].finish_reason == "stop"
    assert second.choices[0].message.content.startswith("Mock reply from")
    if model == "claude-sonnet-4-5":
        [seen] = mock_requests(stack, "mock-anthropic")
        turns = seen["body"]["messages"]
        assert [t["role"] for t in turns] == ["user", "assistant", "user"]
        assert turns[1]["content"][-1]["type"] == "tool_use"
        result = turns[2]["content"][0]
        assert result["type"] == "tool_result" and result["tool_use_id"] == turns[1]["content"][-1]["id"]
