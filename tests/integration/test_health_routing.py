"""Automatic routes: the ranking is the failover chain (a failing first choice
is served by the next-ranked model in the same request); a failing model is
avoided on the next requests, across Envoy workers, and chosen again once it
recovers; measured latency feeds the `fastest` policy."""

import httpx

from conftest import clear_mocks, mock_requests, wait_for
from test_auto_routing import CODE


def best(client, auth):
    return client.post(
        "/v1/chat/completions",
        json={"model": "best", "messages": [{"role": "user", "content": CODE}]},
        headers=auth,
    )


def test_a_failing_model_is_avoided_then_used_again_after_it_recovers(stack, client, auth):
    assert best(client, auth).headers["x-switchboard-model"] == "claude-sonnet-4-5"
    fault_url = f"{stack.url_of('mock-anthropic')}/_mock/fault"
    httpx.put(fault_url, content="fault-500", timeout=5).raise_for_status()
    try:
        failed_over = best(client, auth)
        assert failed_over.status_code == 200, failed_over.text
        assert failed_over.headers["x-envoy-attempt-count"] == "2"
        assert failed_over.headers["x-switchboard-model"] != "claude-sonnet-4-5"
        # From now on (any worker) the route picks another model first.
        for _ in range(4):
            r = best(client, auth)
            assert r.status_code == 200, r.text
            assert r.headers["x-switchboard-model"] != "claude-sonnet-4-5"
            assert r.headers["x-envoy-attempt-count"] == "1"
    finally:
        httpx.delete(fault_url, timeout=5).raise_for_status()

    def back_on_claude():
        r = best(client, auth)
        return r.status_code == 200 and r.headers["x-switchboard-model"] == "claude-sonnet-4-5"

    wait_for(back_on_claude, "the recovered model to be chosen again", timeout=20, interval=0.2)


def test_the_ranking_is_the_failover_chain_in_the_request(stack, client, auth):
    """`cheapest` ranks gpt-4o-mini, then gemini-2.5-flash, then claude: with
    the first two failing, the one request is served third-ranked, in its
    own dialect."""
    urls = [f"{stack.url_of(m)}/_mock/fault" for m in ("mock-openai", "mock-gemini")]
    clear_mocks(stack)
    for url in urls:
        httpx.put(url, content="fault-503", timeout=5).raise_for_status()
    try:
        r = client.post(
            "/v1/chat/completions",
            json={"model": "cheapest", "messages": [{"role": "user", "content": "hello"}]},
            headers=auth,
        )
    finally:
        for url in urls:
            httpx.delete(url, timeout=5).raise_for_status()
    assert r.status_code == 200, r.text
    assert r.headers["x-switchboard-model"] == "claude-sonnet-4-5"
    assert r.headers["x-envoy-attempt-count"] == "3"
    assert len(mock_requests(stack, "mock-openai")) == 1
    assert len(mock_requests(stack, "mock-gemini")) == 1
    assert r.json()["object"] == "chat.completion"


def test_measured_latency_steers_the_fastest_policy(stack, client, auth):
    def ask(model):
        r = client.post(
            "/v1/chat/completions",
            json={"model": model, "max_tokens": 8, "messages": [{"role": "user", "content": "hi"}]},
            headers=auth,
        )
        assert r.status_code == 200, r.text
        return r.headers["x-switchboard-model"]

    # Every candidate has answered quickly: each now has a measured latency.
    for model in ("gpt-4o-mini", "claude-sonnet-4-5", "gemini-2.5-flash"):
        ask(model)
    chosen = ask("fastest")
    slow_mock = {"gpt-4o-mini": "mock-openai", "claude-sonnet-4-5": "mock-anthropic",
                 "gemini-2.5-flash": "mock-gemini"}[chosen]
    url = f"{stack.url_of(slow_mock)}/_mock/fault"
    httpx.put(url, content="slow-400", timeout=5).raise_for_status()
    try:
        for _ in range(4):
            ask(chosen)
    finally:
        httpx.delete(url, timeout=5).raise_for_status()
    assert ask("fastest") != chosen
