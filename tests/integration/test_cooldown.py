"""A provider's Retry-After is honoured across workers: until it passes, the
gateway skips that provider (no request reaches it) and serves from the next."""

import time

from conftest import clear_mocks, mock_requests, wait_for


def ask(client, auth):
    r = client.post(
        "/v1/chat/completions",
        json={"model": "demo-cooldown", "messages": [{"role": "user", "content": "hello"}]},
        headers=auth,
    )
    assert r.status_code == 200, r.text
    assert r.headers["x-switchboard-model"] == "claude-sonnet-4-5"
    return r


def openai_hits(stack):
    return len([q for q in mock_requests(stack, "mock-openai") if "fault-429" in (q.get("fault") or "")])


def test_retry_after_skips_the_provider_until_it_passes(stack, client, auth):
    clear_mocks(stack)
    ask(client, auth)
    assert openai_hits(stack) == 1, "the first request reaches the rate-limited provider"

    # Within the 2 s the provider asked for, every request skips it. Envoy
    # runs 2 workers, so requests on both see the shared deadline.
    started = time.monotonic()
    skipped = 0
    while time.monotonic() - started < 1.0:
        ask(client, auth)
        skipped += 1
    assert skipped >= 2
    assert openai_hits(stack) == 1, "no request reached the provider while it cooled down"

    # After the wait, the provider is tried again (and asks to wait again).
    wait_for(lambda: (ask(client, auth), openai_hits(stack))[1] >= 2, "the provider to be retried", timeout=10, interval=0.2)
