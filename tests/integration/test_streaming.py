"""Streaming answers through the gateway: forwarded event by event, usage
counted for every stream, the usage chunk shown only to clients that asked."""

import json

import pytest

from conftest import mock_requests, clear_mocks, wait_for
from test_accounting import usage_row


def read_sse(response):
    """The `data:` payloads of an SSE response, in order."""
    events = []
    for line in response.iter_lines():
        if line.startswith("data: "):
            events.append(line[len("data: "):])
    return events


def stream_chat(client, auth, model, include_usage):
    body = {"model": model, "stream": True, "messages": [{"role": "user", "content": "stream four words please"}]}
    if include_usage:
        body["stream_options"] = {"include_usage": True}
    with client.stream("POST", "/v1/chat/completions", json=body, headers=auth) as r:
        assert r.status_code == 200, r.read()
        assert r.headers["content-type"].startswith("text/event-stream")
        return r.headers, read_sse(r)


@pytest.mark.parametrize("model", ["gpt-4o-mini", "claude-sonnet-4-5"])
@pytest.mark.parametrize("include_usage", [False, True], ids=["no-usage", "usage"])
def test_stream_is_openai_chunks_with_usage_only_when_asked(stack, client, auth, model, include_usage):
    clear_mocks(stack)
    headers, events = stream_chat(client, auth, model, include_usage)
    assert events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    assert len({c["id"] for c in chunks}) == 1
    text = "".join((c["choices"][0]["delta"].get("content") or "") for c in chunks if c["choices"])
    assert text.startswith("Mock reply from")
    finals = [c["choices"][0]["finish_reason"] for c in chunks if c["choices"] and c["choices"][0]["finish_reason"]]
    assert finals == ["stop"]
    usage_chunks = [c for c in chunks if not c["choices"]]
    if include_usage:
        assert len(usage_chunks) == 1 and chunks[-1] is usage_chunks[0]
        assert usage_chunks[0]["usage"]["prompt_tokens"] == 4
    else:
        assert usage_chunks == []

    # The provider was always asked for usage, so the gateway can count it.
    row = wait_for(lambda: usage_row(stack.accounting_db, headers["x-request-id"]), "the stream's usage row")
    assert row["input_tokens"] == 4
    assert row["output_tokens"] > 0
    seen = mock_requests(stack, "mock-openai" if model == "gpt-4o-mini" else "mock-anthropic")
    assert seen[-1]["body"]["stream"] is True
