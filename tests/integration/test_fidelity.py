"""The fidelity matrix: every feature of the chat-completions API, for every
dialect of the demo gateway, through real Envoy, streaming and not.

Each test sends one OpenAI-shaped request to the gateway and checks both
sides of the translation:
- what the provider received, in its own dialect (the mock's recording,
  reduced by the `Dialect` helpers of dialects.py to comparable facts);
- what the client got back: text, `finish_reason`, tool calls (streamed as
  deltas), `reasoning_content`, usage with `prompt_tokens_details.cached_tokens`
  and `completion_tokens_details.reasoning_tokens`.

Where a dialect cannot honour a parameter, the test expects the gateway's 400
`unsupported_parameter` naming it (PROVIDERS.md: images by URL to Gemini and
Bedrock, JSON mode without a schema to Anthropic and Bedrock, …).

The mocks answer deterministically (crates/mockllm/src/plan.rs): the text
`Mock reply from <provider> model <upstream>.`, one token per word, a call to
the first tool when tools are offered. Features a translated request cannot
express are asked for with the `x-mock-scenario` header (`cached-<n>`,
`parallel-tools`, `content-filter`); the others come from the request itself
(stop sequences, thinking settings, output caps). One shared stack, no sleeps.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable

import httpx
import pytest

from conftest import clear_mocks, mock_requests
from dialects import DIALECTS
from stack import DEMO_KEY

AUTH = {"Authorization": f"Bearer {DEMO_KEY}"}
THOUGHT = "Thinking about the request."  # the mocks' reasoning text
THOUGHT_TOKENS = 4
TOOL_CALL_TOKENS = 5  # output tokens of one mock tool call
PNG_B64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
SCHEMA = {
    "type": "object",
    "properties": {"answer": {"type": "string"}},
    "required": ["answer"],
    "additionalProperties": False,
}
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Current weather for a city",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
        },
    },
    {
        "type": "function",
        "function": {
            "name": "get_time",
            "description": "Local time in a city",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        },
    },
]

MODELS = list(DIALECTS)
STREAMING = [pytest.param(False, id="json"), pytest.param(True, id="sse")]


# ----------------------------------------------------------------- exchange


@dataclass
class Answer:
    """What the client got, the same shape for JSON and streamed answers."""

    status: int
    body: dict  # the JSON answer, or an error body
    text: str | None = None
    reasoning: str | None = None
    tool_calls: list[dict] | None = None
    finish: str | None = None
    usage: dict | None = None


def _assemble(chunks: list[dict]) -> Answer:
    """Folds `chat.completion.chunk`s into one answer, checking the stream's rules."""
    text, reasoning, calls, finishes, usage = "", "", {}, [], None
    for chunk in chunks:
        assert "error" not in chunk, chunk
        assert chunk["object"] == "chat.completion.chunk"
        if not chunk["choices"]:
            assert usage is None, "exactly one usage chunk"
            usage = chunk["usage"]
            continue
        assert usage is None, "the usage chunk comes last"
        choice = chunk["choices"][0]
        delta = choice["delta"]
        text += delta.get("content") or ""
        reasoning += delta.get("reasoning_content") or ""
        for piece in delta.get("tool_calls") or []:
            call = calls.setdefault(piece["index"], {"id": None, "name": "", "arguments": ""})
            if piece.get("id"):
                assert call["id"] is None, "the id comes only in a call's first delta"
                call["id"] = piece["id"]
                assert piece["type"] == "function"
            function = piece.get("function") or {}
            call["name"] += function.get("name") or ""
            call["arguments"] += function.get("arguments") or ""
        if choice.get("finish_reason"):
            finishes.append(choice["finish_reason"])
    assert len(finishes) == 1, f"one finish_reason per stream, got {finishes}"
    assert sorted(calls) == list(range(len(calls))), "tool-call indexes are 0, 1, …"
    tool_calls = [
        {"id": c["id"], "type": "function", "function": {"name": c["name"], "arguments": c["arguments"]}}
        for _, c in sorted(calls.items())
    ]
    return Answer(200, {}, text or None, reasoning or None, tool_calls or None, finishes[0], usage)


def exchange(
    stack, model: str, body: dict, stream: bool = False, scenario: str | None = None
) -> tuple[Answer, dict | None]:
    """Sends one request; returns the client's answer and the one request the
    provider received (None when the gateway answered by itself)."""
    dialect = DIALECTS[model]
    clear_mocks(stack)
    headers = dict(AUTH)
    if scenario:
        headers["x-mock-scenario"] = scenario
    payload = {"model": model, **body}
    if stream:
        payload["stream"] = True
        payload["stream_options"] = {"include_usage": True}
    with httpx.Client(base_url=stack.base_url, timeout=30) as client:
        if not stream:
            r = client.post("/v1/chat/completions", json=payload, headers=headers)
            answer = Answer(r.status_code, r.json())
            if r.status_code == 200:
                choice = answer.body["choices"][0]
                message = choice["message"]
                answer.text = message.get("content")
                answer.reasoning = message.get("reasoning_content")
                answer.tool_calls = message.get("tool_calls")
                answer.finish = choice["finish_reason"]
                answer.usage = answer.body.get("usage")
        else:
            with client.stream("POST", "/v1/chat/completions", json=payload, headers=headers) as r:
                if r.status_code != 200:
                    r.read()
                    answer = Answer(r.status_code, r.json())
                else:
                    assert r.headers["content-type"].startswith("text/event-stream")
                    chunks, done = [], 0
                    for line in r.iter_lines():
                        if not line.startswith("data: "):
                            continue
                        data = line[len("data: ") :]
                        if data == "[DONE]":
                            done += 1
                            continue
                        assert done == 0, "nothing after [DONE]"
                        chunks.append(json.loads(data))
                    assert done == 1, "the stream ends with one [DONE]"
                    answer = _assemble(chunks)
    seen = mock_requests(stack, dialect.mock)
    assert len(seen) <= 1, seen
    return answer, (seen[0]["body"] if seen else None)


def words(*texts: str) -> int:
    return sum(len(t.split()) for t in texts)


def assert_refused(answer: Answer, param: str, code: str = "unsupported_parameter"):
    assert answer.status == 400, answer.body
    error = answer.body["error"]
    assert (error["param"], error["code"], error["type"]) == (param, code, "invalid_request_error"), error
    assert error["message"], error


# ----------------------------------------------------------------- prompts and turns

CONVERSATION = [
    {"role": "system", "content": "Be brief."},
    {"role": "developer", "content": "Answer in English."},
    {"role": "user", "content": "Hello there"},
    {"role": "assistant", "content": "Hi, how can I help?"},
    {"role": "user", "content": "Tell me more"},
]


@pytest.mark.parametrize("stream", STREAMING)
@pytest.mark.parametrize("model", MODELS)
def test_system_prompt_and_multi_turn(stack, model, stream):
    dialect = DIALECTS[model]
    answer, seen = exchange(stack, model, {"messages": CONVERSATION}, stream)
    assert answer.status == 200, answer.body
    assert dialect.system(seen) == ["Be brief.", "Answer in English."]
    assert dialect.roles(seen) == ["user", "assistant", "user"]
    assert answer.text == dialect.reply
    assert answer.finish == "stop"
    prompt = words(*(m["content"] for m in CONVERSATION))
    assert answer.usage["prompt_tokens"] == prompt
    assert answer.usage["completion_tokens"] == words(dialect.reply)
    assert answer.usage["total_tokens"] == prompt + words(dialect.reply)


# ----------------------------------------------------------------- sampling and finish reasons


@pytest.mark.parametrize("stream", STREAMING)
@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("cap", ["max_completion_tokens", "max_tokens"])
def test_sampling_parameters_are_mapped(stack, model, stream, cap):
    dialect = DIALECTS[model]
    body = {
        "messages": [{"role": "user", "content": "Hello"}],
        "temperature": 0.3,
        "top_p": 0.9,
        "stop": ["END", "STOP"],
        cap: 50,
    }
    answer, seen = exchange(stack, model, body, stream)
    assert answer.status == 200, answer.body
    assert dialect.sampling(seen) == {"stop": ["END", "STOP"], "temperature": 0.3, "top_p": 0.9, "max": 50}
    assert answer.text == dialect.reply and answer.finish == "stop"


@pytest.mark.parametrize("stream", STREAMING)
@pytest.mark.parametrize("model", MODELS)
def test_finish_reason_length(stack, model, stream):
    answer, _ = exchange(stack, model, {"messages": [{"role": "user", "content": "Hi"}], "max_completion_tokens": 2}, stream)
    assert answer.status == 200, answer.body
    assert (answer.text, answer.finish) == ("Mock reply", "length")
    assert answer.usage["completion_tokens"] == 2


@pytest.mark.parametrize("stream", STREAMING)
@pytest.mark.parametrize("model", MODELS)
def test_finish_reason_stop_sequence(stack, model, stream):
    """The provider's own stop-sequence reason (Anthropic and Bedrock
    `stop_sequence`, Gemini `STOP`) is `stop`; the text ends before it."""
    dialect = DIALECTS[model]
    answer, seen = exchange(stack, model, {"messages": [{"role": "user", "content": "Hi"}], "stop": " model"}, stream)
    assert answer.status == 200, answer.body
    assert dialect.sampling(seen)["stop"] in (" model", [" model"])
    assert (answer.text, answer.finish) == (f"Mock reply from {dialect.provider_word}", "stop")


@pytest.mark.parametrize("stream", STREAMING)
@pytest.mark.parametrize("model", MODELS)
def test_finish_reason_content_filter(stack, model, stream):
    """OpenAI `content_filter`, Anthropic `refusal`, Gemini `SAFETY`, Bedrock
    `content_filtered` → `content_filter`."""
    dialect = DIALECTS[model]
    body = {"messages": [{"role": "user", "content": "Hi"}]}
    answer, _ = exchange(stack, model, body, stream, scenario="content-filter")
    assert answer.status == 200, answer.body
    assert (answer.text, answer.finish) == (dialect.reply, "content_filter")


# ----------------------------------------------------------------- tools


def _assert_calls(answer: Answer, names: list[str]):
    assert answer.finish == "tool_calls"
    assert [c["function"]["name"] for c in answer.tool_calls] == names
    assert all(json.loads(c["function"]["arguments"]) == {"mock": True} for c in answer.tool_calls)
    ids = [c["id"] for c in answer.tool_calls]
    assert all(ids) and len(set(ids)) == len(ids)


@pytest.mark.parametrize("stream", STREAMING)
@pytest.mark.parametrize("model", MODELS)
def test_tool_definitions_and_a_call(stack, model, stream):
    dialect = DIALECTS[model]
    body = {"messages": [{"role": "user", "content": "Weather in Paris?"}], "tools": TOOLS}
    answer, seen = exchange(stack, model, body, stream)
    assert answer.status == 200, answer.body
    assert dialect.tools(seen) == {t["function"]["name"]: t["function"]["parameters"] for t in TOOLS}
    _assert_calls(answer, ["get_weather"])
    assert answer.usage["completion_tokens"] == TOOL_CALL_TOKENS


@pytest.mark.parametrize("stream", STREAMING)
@pytest.mark.parametrize("model", MODELS)
def test_parallel_tool_calls(stack, model, stream):
    body = {"messages": [{"role": "user", "content": "Weather and time in Paris?"}], "tools": TOOLS}
    answer, _ = exchange(stack, model, body, stream, scenario="parallel-tools")
    assert answer.status == 200, answer.body
    _assert_calls(answer, ["get_weather", "get_time"])
    assert answer.usage["completion_tokens"] == 2 * TOOL_CALL_TOKENS


@pytest.mark.parametrize("stream", STREAMING)
@pytest.mark.parametrize("model", MODELS)
def test_parallel_tool_results_go_back_in_the_providers_dialect(stack, model, stream):
    dialect = DIALECTS[model]
    question = {"role": "user", "content": "Weather and time in Paris?"}
    first, _ = exchange(stack, model, {"messages": [question], "tools": TOOLS}, False, scenario="parallel-tools")
    calls = first.tool_calls
    history = [
        question,
        {"role": "assistant", "content": None, "tool_calls": calls},
        {"role": "tool", "tool_call_id": calls[0]["id"], "content": '{"temp_c": 21}'},
        {"role": "tool", "tool_call_id": calls[1]["id"], "content": '{"time": "10:00"}'},
    ]
    answer, seen = exchange(stack, model, {"messages": history, "tools": TOOLS}, stream)
    assert answer.status == 200, answer.body
    assert (answer.text, answer.finish) == (dialect.reply, "stop")
    results = dialect.tool_results(seen)
    if dialect.name == "gemini":
        # Gemini pairs results with calls by function name (pitfall 2).
        assert results == [("get_weather", '{"temp_c": 21}'), ("get_time", '{"time": "10:00"}')]
    else:
        # One user turn with both results (pitfall 1), ids as the calls had them.
        assert [text for _, text in results] == ['{"temp_c": 21}', '{"time": "10:00"}']
        assert [i for i, _ in results] == [c["id"] for c in calls]
    openai_like = dialect.name in ("openai", "azure")
    expected_roles = ["user", "assistant", "tool", "tool"] if openai_like else ["user", "assistant", "user"]
    assert dialect.roles(seen) == expected_roles


# ----------------------------------------------------------------- images


@pytest.mark.parametrize("model", MODELS)
def test_image_as_base64(stack, model):
    dialect = DIALECTS[model]
    url = f"data:image/png;base64,{PNG_B64}"
    content = [{"type": "text", "text": "What is this?"}, {"type": "image_url", "image_url": {"url": url}}]
    answer, seen = exchange(stack, model, {"messages": [{"role": "user", "content": content}]})
    assert answer.status == 200, answer.body
    expected = {
        "openai": {"url": url},
        "azure": {"url": url},
        "anthropic": {"type": "base64", "media_type": "image/png", "data": PNG_B64},
        "gemini": {"mimeType": "image/png", "data": PNG_B64},
        "bedrock": {"format": "png", "source": {"bytes": PNG_B64}},
    }[dialect.name]
    assert dialect.image(seen) == expected
    assert answer.text == dialect.reply


@pytest.mark.parametrize("model", MODELS)
def test_image_by_url(stack, model):
    """Anthropic fetches URLs itself; Gemini and Bedrock would need the
    gateway to fetch them (pitfall 12), which it does not: a named 400."""
    dialect = DIALECTS[model]
    url = "https://example.com/cat.png"
    content = [{"type": "text", "text": "What is this?"}, {"type": "image_url", "image_url": {"url": url}}]
    answer, seen = exchange(stack, model, {"messages": [{"role": "user", "content": content}]})
    if dialect.name in ("gemini", "bedrock"):
        assert_refused(answer, "messages[0].content[1].image_url")
        assert seen is None
        return
    assert answer.status == 200, answer.body
    expected = {"type": "url", "url": url} if dialect.name == "anthropic" else {"url": url}
    assert dialect.image(seen) == expected


# ----------------------------------------------------------------- structured output


@pytest.mark.parametrize("model", MODELS)
def test_json_mode(stack, model):
    """`json_object` exists for OpenAI and Gemini; Anthropic and Bedrock only
    produce JSON against a schema, so the gateway refuses it by name."""
    dialect = DIALECTS[model]
    body = {"messages": [{"role": "user", "content": "Answer in JSON"}], "response_format": {"type": "json_object"}}
    answer, seen = exchange(stack, model, body)
    if dialect.name in ("anthropic", "bedrock"):
        assert_refused(answer, "response_format")
        assert seen is None
        return
    assert answer.status == 200, answer.body
    expected = {"responseMimeType": "application/json"} if dialect.name == "gemini" else {"type": "json_object"}
    assert dialect.json_output(seen) == expected


@pytest.mark.parametrize("stream", STREAMING)
@pytest.mark.parametrize("model", MODELS)
def test_json_schema(stack, model, stream):
    dialect = DIALECTS[model]
    response_format = {
        "type": "json_schema",
        "json_schema": {"name": "answer", "description": "An answer", "strict": True, "schema": SCHEMA},
    }
    body = {"messages": [{"role": "user", "content": "Answer in JSON"}], "response_format": response_format}
    answer, seen = exchange(stack, model, body, stream)
    assert answer.status == 200, answer.body
    got = dialect.json_output(seen)
    if dialect.name in ("openai", "azure"):
        assert got == response_format
    elif dialect.name == "anthropic":
        assert got == {"format": {"type": "json_schema", "schema": SCHEMA}}
    elif dialect.name == "gemini":
        assert got == {"responseMimeType": "application/json", "responseJsonSchema": SCHEMA}
    else:
        definition = got["textFormat"]["structure"]["jsonSchema"]
        assert got["textFormat"]["type"] == "json_schema"
        assert json.loads(definition.pop("schema")) == SCHEMA  # a string, Bedrock's type
        assert definition == {"name": "answer", "description": "An answer"}
    assert answer.finish == "stop"


# ----------------------------------------------------------------- usage


@pytest.mark.parametrize("stream", STREAMING)
@pytest.mark.parametrize("model", MODELS)
def test_usage_with_cached_prompt_tokens(stack, model, stream):
    """Each provider reports cache reads its own way (OpenAI `cached_tokens`
    inside the prompt, Anthropic and Bedrock outside `input_tokens`, Gemini
    `cachedContentTokenCount` inside); the client always sees them inside
    `prompt_tokens` (pitfall 7)."""
    dialect = DIALECTS[model]
    prompt = "one two three four five six"
    answer, _ = exchange(stack, model, {"messages": [{"role": "user", "content": prompt}]}, stream, scenario="cached-4")
    assert answer.status == 200, answer.body
    usage = answer.usage
    assert usage["prompt_tokens"] == 6
    assert usage["prompt_tokens_details"]["cached_tokens"] == 4
    assert usage["completion_tokens"] == words(dialect.reply)
    assert usage["total_tokens"] == 6 + words(dialect.reply)


# ----------------------------------------------------------------- reasoning

THINKING_REQUEST = {
    "openai": "low",
    "azure": "low",
    "anthropic": {"type": "enabled", "budget_tokens": 1024},
    "gemini": {"includeThoughts": True, "thinkingBudget": 1024},
    "bedrock": {"type": "enabled", "budget_tokens": 1024},
}


@pytest.mark.parametrize("stream", STREAMING)
@pytest.mark.parametrize("model", MODELS)
def test_reasoning_effort(stack, model, stream):
    """`reasoning_effort` → each provider's thinking switch; the thinking comes
    back as `reasoning_content` where the provider shows it (not OpenAI), and
    is counted in `completion_tokens` everywhere, as `reasoning_tokens` where
    the provider breaks it out (OpenAI, Gemini; Anthropic and Bedrock bill
    thinking inside their output count and report no separate figure)."""
    dialect = DIALECTS[model]
    body = {"messages": [{"role": "user", "content": "Think first"}], "reasoning_effort": "low"}
    answer, seen = exchange(stack, model, body, stream)
    assert answer.status == 200, answer.body
    assert dialect.thinking(seen) == THINKING_REQUEST[dialect.name]
    if dialect.name == "anthropic":
        assert seen["max_tokens"] == 8192  # the catalog default already leaves room
    if dialect.name == "bedrock":
        assert seen["inferenceConfig"]["maxTokens"] == 4096
    assert answer.text == dialect.reply and answer.finish == "stop"
    shows_reasoning = dialect.name in ("anthropic", "gemini", "bedrock")
    assert answer.reasoning == (THOUGHT if shows_reasoning else None)
    usage = answer.usage
    assert usage["completion_tokens"] == words(dialect.reply) + THOUGHT_TOKENS
    details = usage.get("completion_tokens_details") or {}
    if dialect.name in ("openai", "azure", "gemini"):
        assert details["reasoning_tokens"] == THOUGHT_TOKENS
    else:
        assert details.get("reasoning_tokens") in (None, 0)


@pytest.mark.parametrize("model", MODELS)
def test_reasoning_through_a_tool_loop(stack, model):
    """Thinking with tools, two turns. Gemini's thought signature rides on the
    tool-call id and comes back on the `functionCall` part; Anthropic-family
    models need the signed thinking block of a tool turn back, which OpenAI
    history cannot carry, so that step runs without thinking instead of
    failing."""
    dialect = DIALECTS[model]
    question = {"role": "user", "content": "Weather in Paris?"}
    body = {"messages": [question], "tools": TOOLS, "reasoning_effort": "low"}
    first, seen = exchange(stack, model, body)
    assert first.status == 200, first.body
    _assert_calls(first, ["get_weather"])
    assert dialect.thinking(seen) == THINKING_REQUEST[dialect.name]
    call = first.tool_calls[0]
    assistant = {"role": "assistant", "content": None, "tool_calls": [call]}
    if first.reasoning:
        assistant["reasoning_content"] = first.reasoning
    history = [question, assistant, {"role": "tool", "tool_call_id": call["id"], "content": "sunny"}]
    second, seen = exchange(stack, model, {"messages": history, "tools": TOOLS, "reasoning_effort": "low"})
    assert second.status == 200, second.body
    assert (second.text, second.finish) == (dialect.reply, "stop")
    if dialect.name in ("anthropic", "bedrock"):
        assert dialect.thinking(seen) is None
    else:
        assert dialect.thinking(seen) == THINKING_REQUEST[dialect.name]
    if dialect.name == "gemini":
        [model_turn] = [c for c in seen["contents"] if c["role"] == "model"]
        signature = "bW9jay10aG91Z2h0LXNpZ25hdHVyZQ=="  # the mock's
        assert model_turn["parts"][0]["thoughtSignature"] == signature
        assert model_turn["parts"][0]["functionCall"]["name"] == "get_weather"


# ----------------------------------------------------------------- parameters a dialect cannot honour

REFUSALS: list[tuple[str, dict, Callable[[str], bool]]] = [
    # (parameter, extra request fields, dialects that refuse it)
    ("logit_bias", {"logit_bias": {"50256": -100}}, lambda d: d not in ("openai", "azure")),
    ("n", {"n": 2}, lambda d: d not in ("openai", "azure")),
    ("logprobs", {"logprobs": True}, lambda d: d not in ("openai", "azure")),
    ("audio", {"modalities": ["text", "audio"], "audio": {"voice": "alloy", "format": "wav"}},
     lambda d: d not in ("openai", "azure")),
    ("temperature", {"reasoning_effort": "low", "temperature": 0.2}, lambda d: d in ("anthropic", "bedrock")),
    ("parallel_tool_calls", {"tools": TOOLS, "parallel_tool_calls": False}, lambda d: d in ("gemini", "bedrock")),
]


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("param,extra,refused_by", REFUSALS, ids=[r[0] for r in REFUSALS])
def test_parameters_a_dialect_cannot_honour_are_named(stack, model, param, extra, refused_by):
    dialect = DIALECTS[model]
    body = {"messages": [{"role": "user", "content": "Hello"}], **extra}
    answer, seen = exchange(stack, model, body)
    if not refused_by(dialect.name):
        assert answer.status == 200, answer.body
        assert seen is not None
        return
    expected = "modalities" if param == "audio" else param
    assert answer.status == 400, answer.body
    error = answer.body["error"]
    assert error["code"] == "unsupported_parameter" and error["param"] == expected, error
    assert seen is None, "a refused request never reaches the provider"
