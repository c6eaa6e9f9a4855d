"""Failover across providers by cluster priorities + Envoy retries + the
per-attempt translate filter: the next provider gets the body in its dialect."""

import pytest

from conftest import clear_mocks, mock_requests


@pytest.mark.parametrize(
    "model,failing,fault,serving,served_as",
    [
        ("demo-failover-429", "mock-openai", "429", "mock-anthropic", "claude-sonnet-4-5"),
        ("demo-failover-503", "mock-anthropic", "503", "mock-openai", "gpt-4o-mini"),
        ("demo-failover-reset", "mock-openai", "reset", "mock-anthropic", "claude-sonnet-4-5"),
    ],
)
def test_failure_moves_to_next_provider_in_its_dialect(stack, client, auth, model, failing, fault, serving, served_as):
    clear_mocks(stack)
    r = client.post(
        "/v1/chat/completions",
        json={"model": model, "messages": [{"role": "user", "content": "please answer"}]},
        headers=auth,
    )
    assert r.status_code == 200, r.text
    assert r.headers["x-switchboard-model"] == served_as
    assert r.headers["x-envoy-attempt-count"] == "2"
    body = r.json()
    assert body["object"] == "chat.completion"
    assert body["choices"][0]["message"]["content"].startswith("Mock reply from")

    [failed] = mock_requests(stack, failing)
    assert fault in (failed.get("fault") or "")
    [served] = mock_requests(stack, serving)
    if serving == "mock-anthropic":
        assert served["path"] == "/v1/messages"
        assert served["body"]["max_tokens"] > 0
        assert "authorization" not in served["headers"]
    else:
        assert served["path"] == "/v1/chat/completions"
        assert served["body"]["model"] == "gpt-4o-mini"
        assert "x-api-key" not in served["headers"]
