"""OpenAI-compatible vendors through the gateway (`schema: openai` plus a
`vendor`): each is served by a mockllm process playing that vendor
(`--vendor mistral|groq|deepseek|zhipu`), strict where the real one is, so a
request the gateway failed to adapt fails here as it would in production."""

import json

import httpx
import pytest

from conftest import mock_requests, wait_for
from stack import MISTRAL_PROVIDER_KEY
from test_accounting import usage_row
from test_streaming import read_sse

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather for a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}


def chat(client, auth, body):
    return client.post("/v1/chat/completions", json=body, headers=auth)


def stream(client, auth, body):
    with client.stream("POST", "/v1/chat/completions", json={**body, "stream": True}, headers=auth) as r:
        assert r.status_code == 200, r.read()
        events = read_sse(r)
        return r.headers, events


def chunks_of(events):
    assert events[-1] == "[DONE]"
    return [json.loads(e) for e in events[:-1]]


def clear(stack, name):
    httpx.delete(f"{stack.url_of(name)}/_mock/requests", timeout=5).raise_for_status()


# ---------------------------------------------------------------- Mistral


def openai_tool_history(client, auth):
    """A tool round trip started on OpenAI: its `call_…` id is what Mistral refuses."""
    body = {
        "model": "gpt-4o-mini",
        "messages": [{"role": "user", "content": "weather in Paris?"}],
        "tools": [WEATHER_TOOL],
    }
    r = chat(client, auth, body)
    assert r.status_code == 200, r.text
    message = r.json()["choices"][0]["message"]
    call_id = message["tool_calls"][0]["id"]
    assert call_id.startswith("call_") and len(call_id) != 9
    return body["messages"] + [
        {**message, "refusal": None},
        {"role": "tool", "tool_call_id": call_id, "content": "sunny"},
    ], call_id


def test_mock_mistral_refuses_what_the_gateway_must_adapt(stack):
    """The mock is as strict as Mistral: the same history sent directly fails."""
    url = f"{stack.url_of('mock-mistral')}/v1/chat/completions"
    headers = {"Authorization": f"Bearer {MISTRAL_PROVIDER_KEY}"}
    history = [
        {"role": "user", "content": "w?"},
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_abc123", "type": "function", "function": {"name": "w", "arguments": "{}"}}]},
        {"role": "tool", "tool_call_id": "call_abc123", "content": "sun"},
    ]
    r = httpx.post(url, json={"model": "mistral-small-latest", "messages": history}, headers=headers, timeout=10)
    assert r.status_code == 400 and "length of 9" in r.json()["message"]
    body = {"model": "m", "messages": [{"role": "user", "content": "hi"}], "stream": True,
            "stream_options": {"include_usage": True}}
    r = httpx.post(url, json=body, headers=headers, timeout=10)
    assert r.status_code == 422
    assert r.json()["message"]["detail"][0]["loc"] == ["body", "stream_options"]


@pytest.mark.parametrize("streaming", [False, True], ids=["json", "sse"])
def test_mistral_takes_a_history_with_ids_from_another_provider(stack, client, auth, streaming):
    messages, call_id = openai_tool_history(client, auth)
    clear(stack, "mock-mistral")
    body = {"model": "mistral-small", "messages": messages, "tools": [WEATHER_TOOL],
            "seed": 7, "max_completion_tokens": 100, "user": "end-user-1"}
    if streaming:
        headers, events = stream(client, auth, body)
        text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks_of(events) if c["choices"])
    else:
        r = chat(client, auth, body)
        assert r.status_code == 200, r.text
        headers, text = r.headers, r.json()["choices"][0]["message"]["content"]
    assert text.startswith("Mock reply from mistral")
    assert headers["x-switchboard-provider"] == "mistral"
    sent = mock_requests(stack, "mock-mistral")[-1]["body"]
    mapped = sent["messages"][1]["tool_calls"][0]["id"]
    assert len(mapped) == 9 and mapped.isalnum() and mapped != call_id
    assert sent["messages"][2]["tool_call_id"] == mapped
    assert "refusal" not in sent["messages"][1]
    assert (sent["random_seed"], sent["max_tokens"]) == (7, 100)
    for gone in ("seed", "max_completion_tokens", "user", "stream_options"):
        assert gone not in sent


@pytest.mark.parametrize("include_usage", [False, True], ids=["no-usage", "usage"])
def test_mistral_model_length_is_length_and_usage_comes_last(stack, client, auth, include_usage):
    body = {"model": "demo-mistral-model-length", "messages": [{"role": "user", "content": "hi there"}]}
    r = chat(client, auth, body)
    assert r.status_code == 200, r.text
    assert r.json()["choices"][0]["finish_reason"] == "length"

    if include_usage:
        body["stream_options"] = {"include_usage": True}
    headers, events = stream(client, auth, body)
    chunks = chunks_of(events)
    finals = [c["choices"][0]["finish_reason"] for c in chunks if c["choices"] and c["choices"][0]["finish_reason"]]
    assert finals == ["length"]
    assert all("usage" not in c or c["usage"] is None for c in chunks if c["choices"])
    usage_chunks = [c for c in chunks if not c["choices"]]
    if include_usage:
        assert len(usage_chunks) == 1 and chunks[-1] is usage_chunks[0]
        assert usage_chunks[0]["usage"]["prompt_tokens"] == 2
    else:
        assert usage_chunks == []
    row = wait_for(lambda: usage_row(stack.accounting_db, headers["x-request-id"]), "the stream's usage row")
    assert (row["provider"], row["input_tokens"]) == ("mistral", 2)


def test_mistral_error_finish_becomes_an_error_event(client, auth):
    body = {"model": "demo-mistral-finish-error", "messages": [{"role": "user", "content": "hi"}]}
    _, events = stream(client, auth, body)
    chunks = chunks_of(events)
    errors = [c for c in chunks if "error" in c]
    assert len(errors) == 1 and errors[0]["error"]["code"] == "upstream_generation_failed"
    assert chunks[-1] is errors[0]


# ---------------------------------------------------------------- Groq


@pytest.mark.parametrize("streaming", [False, True], ids=["json", "sse"])
def test_groq_logprobs_is_a_named_400_unless_dropping_is_configured(stack, client, auth, streaming):
    clear(stack, "mock-groq")
    body = {"model": "llama-3.3-70b-groq", "messages": [{"role": "user", "content": "hi"}],
            "logprobs": True, "top_logprobs": 2, "stream": streaming}
    r = chat(client, auth, body)
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert (error["code"], error["param"], error["type"]) == ("unsupported_parameter", "logprobs", "invalid_request_error")
    assert "Groq" in error["message"]
    assert mock_requests(stack, "mock-groq") == [], "a refused request never reaches the provider"

    body["model"] = "llama-3.3-70b-groq-lenient"
    if streaming:
        _, events = stream(client, auth, body)
        text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks_of(events) if c["choices"])
    else:
        r = chat(client, auth, body)
        assert r.status_code == 200, r.text
        text = r.json()["choices"][0]["message"]["content"]
    assert text.startswith("Mock reply from groq")
    sent = mock_requests(stack, "mock-groq")[-1]
    assert sent["path"] == "/openai/v1/chat/completions"
    assert "logprobs" not in sent["body"] and "top_logprobs" not in sent["body"]


def test_groq_default_values_pass_and_names_are_refused(stack, client, auth):
    body = {"model": "llama-3.3-70b-groq", "messages": [{"role": "user", "content": "hi"}],
            "logprobs": False, "n": 1}
    r = chat(client, auth, body)
    assert r.status_code == 200, r.text
    body = {"model": "llama-3.3-70b-groq", "messages": [{"role": "user", "name": "ann", "content": "hi"}]}
    r = chat(client, auth, body)
    assert r.status_code == 400 and r.json()["error"]["param"] == "messages[0].name"


# ---------------------------------------------------------------- DeepSeek


@pytest.mark.parametrize("streaming", [False, True], ids=["json", "sse"])
def test_deepseek_cache_hits_are_reported_as_cached_tokens(stack, client, auth, streaming):
    messages = [
        {"role": "system", "content": "you are a careful financial analyst"},
        {"role": "user", "content": "summarise the report"},
    ]
    body = {"model": "deepseek-chat", "messages": messages}
    if streaming:
        body["stream_options"] = {"include_usage": True}
        headers, events = stream(client, auth, body)
        usage = chunks_of(events)[-1]["usage"]
    else:
        r = chat(client, auth, body)
        assert r.status_code == 200, r.text
        headers, usage = r.headers, r.json()["usage"]
    # The mock counts every message but the last as a cache hit: 6 of 9 words.
    assert (usage["prompt_tokens"], usage["prompt_tokens_details"]["cached_tokens"]) == (9, 6)
    assert usage["prompt_cache_hit_tokens"] == 6
    row = wait_for(lambda: usage_row(stack.accounting_db, headers["x-request-id"]), "the usage row")
    assert (row["provider"], row["input_tokens"], row["cached_input_tokens"]) == ("deepseek", 9, 6)
    assert row["output_tokens"] == usage["completion_tokens"]


def test_deepseek_reasoning_content_is_kept(client, auth):
    body = {"model": "deepseek-reasoner", "messages": [{"role": "user", "content": "hi"}]}
    r = chat(client, auth, body)
    assert r.status_code == 200, r.text
    message = r.json()["choices"][0]["message"]
    assert message["reasoning_content"] and message["content"].startswith("Mock reply")
    _, events = stream(client, auth, body)
    reasoning = "".join(c["choices"][0]["delta"].get("reasoning_content") or "" for c in chunks_of(events) if c["choices"])
    assert reasoning == message["reasoning_content"]


# ---------------------------------------------------------------- Zhipu


@pytest.mark.parametrize("streaming", [False, True], ids=["json", "sse"])
def test_glm_object_arguments_reach_the_client_as_json_text(stack, client, auth, streaming):
    body = {"model": "glm-4.6", "messages": [{"role": "user", "content": "weather in Paris?"}],
            "tools": [WEATHER_TOOL], "tool_choice": "auto", "max_completion_tokens": 50}
    if streaming:
        _, events = stream(client, auth, body)
        calls = [tc for c in chunks_of(events) if c["choices"] for tc in c["choices"][0]["delta"].get("tool_calls") or []]
        arguments = "".join(tc["function"].get("arguments") or "" for tc in calls)
    else:
        r = chat(client, auth, body)
        assert r.status_code == 200, r.text
        arguments = r.json()["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"]
    assert isinstance(arguments, str) and json.loads(arguments) == {"mock": True}
    sent = mock_requests(stack, "mock-zhipu")[-1]
    assert sent["path"] == "/api/paas/v4/chat/completions"
    assert sent["body"]["max_tokens"] == 50 and "max_completion_tokens" not in sent["body"]
    r = chat(client, auth, {**body, "tool_choice": "required", "stream": False})
    assert r.status_code == 400 and r.json()["error"]["param"] == "tool_choice"

