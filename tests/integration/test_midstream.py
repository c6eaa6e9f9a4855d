"""Failures after the first byte went out: the client's stream ends with an
OpenAI error event and `[DONE]` when the provider reports the error in band
(or its stream ends early), and ends at once, never hangs, when the provider
resets the connection (Envoy then resets the client's stream: headers are
gone, so nothing else can be sent). Either way the request is failed: the
usage row has status 502 and bills nothing."""

import json

import httpx
import pytest

from conftest import wait_for
from test_accounting import usage_row


def stream(client, auth, model, fault):
    body = {
        "model": model,
        "stream": True,
        "stream_options": {"include_usage": True},
        "messages": [{"role": "user", "content": "tell me a long story"}],
    }
    return client.stream("POST", "/v1/chat/completions", json=body, headers={**auth, "x-mock-fault": fault})


def billed_row(stack, request_id):
    row = wait_for(lambda: usage_row(stack.accounting_db, request_id), "the usage row")
    return row["status"], row["input_tokens"] + row["output_tokens"]


def test_an_in_band_provider_error_ends_the_stream_with_an_error_event(stack, client, auth):
    # Bedrock sends a `modelStreamErrorException` frame after a few events.
    with stream(client, auth, "claude-sonnet-4-5-bedrock", "midstream-exception") as r:
        assert r.status_code == 200
        request_id = r.headers["x-request-id"]
        events = [line[6:] for line in r.iter_lines() if line.startswith("data: ")]
    assert events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    assert any(c.get("choices") and c["choices"][0]["delta"].get("content") for c in chunks), "content came first"
    error = chunks[-1]["error"]
    assert error["type"] == "server_error"
    assert error["code"]
    assert billed_row(stack, request_id) == (502, 0)


@pytest.mark.parametrize("model", ["gpt-4o-mini", "claude-sonnet-4-5", "gemini-2.5-flash"])
def test_a_reset_mid_stream_ends_the_clients_stream_at_once(stack, client, auth, model):
    received = []
    with pytest.raises(httpx.RemoteProtocolError):
        with stream(client, auth, model, "midstream-reset") as r:
            assert r.status_code == 200
            request_id = r.headers["x-request-id"]
            for line in r.iter_lines():
                received.append(line)
    assert any(line.startswith("data: {") for line in received), "the first events reached the client"
    assert "data: [DONE]" not in received
    assert billed_row(stack, request_id) == (502, 0)
