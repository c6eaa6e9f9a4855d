"""Automatic routes avoid a model that starts failing within seconds, across
Envoy workers, and come back to it once it recovers."""

import httpx

from conftest import wait_for
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
        failed = best(client, auth)
        assert failed.status_code == 500
        # From now on (any worker) the route picks another model.
        for _ in range(4):
            r = best(client, auth)
            assert r.status_code == 200, r.text
            assert r.headers["x-switchboard-model"] != "claude-sonnet-4-5"
    finally:
        httpx.delete(fault_url, timeout=5).raise_for_status()

    def back_on_claude():
        r = best(client, auth)
        return r.status_code == 200 and r.headers["x-switchboard-model"] == "claude-sonnet-4-5"

    wait_for(back_on_claude, "the recovered model to be chosen again", timeout=20, interval=0.2)
