"""Bad input gets a clear OpenAI-shaped JSON error with a stable code."""

import pytest


def assert_openai_error(r, status, code, param=None):
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json"), r.headers
    err = r.json()["error"]
    assert err["code"] == code, err
    assert isinstance(err["message"], str) and err["message"]
    assert isinstance(err["type"], str) and err["type"]
    if param is not None:
        assert err["param"] == param
    return err


GOOD = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer sk-wrong"}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer"}],
    ids=["missing", "wrong", "not-bearer", "empty"],
)
def test_bad_keys_are_401(client, headers):
    r = client.post("/v1/chat/completions", json=GOOD, headers=headers)
    assert_openai_error(r, 401, "invalid_api_key")


def test_unknown_model_is_404(client, auth):
    r = client.post("/v1/chat/completions", json={**GOOD, "model": "gpt-99"}, headers=auth)
    err = assert_openai_error(r, 404, "model_not_found", "model")
    assert "gpt-99" in err["message"]


@pytest.mark.parametrize(
    "body,code,param",
    [
        (b"{not json", "invalid_json", None),
        (b"[1, 2]", "invalid_json", None),
        (b"", "invalid_json", None),
        (b'{"model": "gpt-4o-mini"}', "invalid_request", "messages"),
        (b'{"model": "gpt-4o-mini", "messages": []}', "invalid_request", "messages"),
        (b'{"messages": [{"role": "user", "content": "hi"}]}', "invalid_request", "model"),
        (b'{"model": "gpt-4o-mini", "messages": [{"role":"user","content":"x"}], "stream": "yes"}', "invalid_request", "stream"),
    ],
    ids=["malformed", "array", "empty", "no-messages", "empty-messages", "no-model", "bad-stream"],
)
def test_bad_bodies_are_400(client, auth, body, code, param):
    r = client.post("/v1/chat/completions", content=body, headers={**auth, "content-type": "application/json"})
    assert_openai_error(r, 400, code, param)


def test_unknown_path_is_json_404(client, auth):
    r = client.get("/v1/nothing-here", headers=auth)
    assert_openai_error(r, 404, "unsupported_endpoint")


def test_provider_error_comes_back_openai_shaped_with_its_status(client, auth):
    r = client.post("/v1/chat/completions", json={**GOOD, "model": "demo-broken-500"}, headers=auth)
    assert r.status_code == 500, r.text
    assert r.headers["content-type"].startswith("application/json")
    err = r.json()["error"]
    assert err["type"] == "server_error"
    assert err["code"] == "upstream_error"
    assert int(r.headers["x-envoy-attempt-count"]) == 3  # retried, then given back


def test_anthropic_rate_limit_comes_back_as_openai_429(client, auth):
    r = client.post("/v1/chat/completions", json={**GOOD, "model": "demo-claude-overloaded"}, headers=auth)
    err = assert_openai_error(r, 429, "rate_limit_exceeded")
    assert "type" in err


def test_route_to_missing_cluster_is_json_not_text(client, auth):
    r = client.post("/v1/chat/completions", json={**GOOD, "model": "demo-missing-cluster"}, headers=auth)
    assert r.status_code >= 500
    assert r.headers["content-type"].startswith("application/json")
    assert r.json()["error"]["code"] in ("upstream_unavailable", "upstream_error")


def test_a_parameter_the_dialect_cannot_honour_is_refused_or_dropped_by_config(stack, client, auth):
    from conftest import clear_mocks, mock_requests

    body = {"model": "claude-sonnet-4-5", "logit_bias": {"50256": -100},
            "messages": [{"role": "user", "content": "hi"}]}
    r = client.post("/v1/chat/completions", json=body, headers=auth)
    assert r.status_code == 400, r.text
    assert (r.json()["error"]["code"], r.json()["error"]["param"]) == ("unsupported_parameter", "logit_bias")
    clear_mocks(stack)
    r = client.post("/v1/chat/completions", json={**body, "model": "claude-sonnet-4-5-lenient"}, headers=auth)
    assert r.status_code == 200, r.text
    [seen] = mock_requests(stack, "mock-anthropic")
    assert "logit_bias" not in seen["body"]
