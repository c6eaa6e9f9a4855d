"""Failover matrix: each fault kind × streaming or not → served by the next
provider in its dialect, with the attempts visible, and the failed attempt
never billed (the usage row carries exactly the serving provider's tokens)."""

import json

import pytest

from conftest import clear_mocks, mock_requests, wait_for
from test_accounting import usage_row

CASES = [
    # model, failing mock, fault, serving model
    ("demo-failover-429", "mock-openai", "fault-429", "claude-sonnet-4-5"),
    ("demo-failover-500", "mock-openai", "fault-500", "claude-sonnet-4-5"),
    ("demo-failover-503", "mock-anthropic", "fault-503", "gpt-4o-mini"),
    ("demo-failover-reset", "mock-openai", "fault-reset", "claude-sonnet-4-5"),
    # The provider's edge proxy answers an HTML 502 / 504.
    ("demo-failover-502", "mock-openai", "fault-502", "claude-sonnet-4-5"),
    ("demo-failover-504", "mock-openai", "fault-504", "claude-sonnet-4-5"),
    # Connection refused: nothing listens at the first provider's address.
    ("demo-failover-unreachable", None, None, "claude-sonnet-4-5"),
    # Per-try timeout: the first provider is still silent after 300 ms.
    ("demo-failover-timeout", "mock-openai", "slow-5000", "claude-sonnet-4-5"),
]


def completion(client, auth, model, stream):
    body = {"model": model, "messages": [{"role": "user", "content": "one two three"}]}
    if not stream:
        r = client.post("/v1/chat/completions", json=body, headers=auth)
        assert r.status_code == 200, r.text
        return r.headers, r.json()["usage"]
    body.update(stream=True, stream_options={"include_usage": True})
    with client.stream("POST", "/v1/chat/completions", json=body, headers=auth) as r:
        assert r.status_code == 200, r.read()
        events = [line[6:] for line in r.iter_lines() if line.startswith("data: ")]
        assert events[-1] == "[DONE]"
        chunks = [json.loads(e) for e in events[:-1]]
        assert "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"]).startswith(
            "Mock reply from"
        )
        return r.headers, chunks[-1]["usage"]


@pytest.mark.parametrize("stream", [False, True], ids=["json", "sse"])
@pytest.mark.parametrize("model,failing,fault,served", CASES, ids=[c[2] or "connect-failure" for c in CASES])
def test_fault_is_served_by_the_next_provider(stack, client, auth, model, failing, fault, served, stream):
    clear_mocks(stack)
    headers, usage = completion(client, auth, model, stream)
    assert headers["x-switchboard-model"] == served
    assert headers["x-envoy-attempt-count"] == "2"
    if failing is not None:
        [failed] = mock_requests(stack, failing)
        assert fault in (failed["fault"] or "")
    row = wait_for(lambda: usage_row(stack.accounting_db, headers["x-request-id"]), "the usage row")
    assert row["attempts"] == 2
    assert row["model_served"] == served
    assert (row["input_tokens"], row["output_tokens"]) == (usage["prompt_tokens"], usage["completion_tokens"])


def test_clients_cannot_steer_envoys_retries_or_timeouts(stack, client, auth):
    """Envoy honours `x-envoy-max-retries` and friends from trusted clients;
    the policy filter removes them, so the gateway's config decides."""
    clear_mocks(stack)
    r = client.post(
        "/v1/chat/completions",
        json={"model": "demo-failover-500", "messages": [{"role": "user", "content": "hi"}]},
        headers={**auth, "x-envoy-max-retries": "0", "x-envoy-retry-on": "connect-failure",
                 "x-envoy-upstream-rq-per-try-timeout-ms": "1"},
    )
    assert r.status_code == 200, r.text
    assert r.headers["x-envoy-attempt-count"] == "2"
    assert r.headers["x-switchboard-model"] == "claude-sonnet-4-5"
