"""A chat completion through each provider dialect, end to end in real Envoy."""

from conftest import clear_mocks, mock_requests
from stack import ANTHROPIC_PROVIDER_KEY, DEMO_KEY, OPENAI_PROVIDER_KEY


def chat(client, auth, model, **extra):
    body = {"model": model, "messages": [{"role": "user", "content": "Say hello to the gateway"}], **extra}
    return client.post("/v1/chat/completions", json=body, headers=auth)


def test_openai_dialect_passthrough_with_upstream_model(stack, client, auth):
    clear_mocks(stack)
    r = chat(client, auth, "gpt-4o-mini", temperature=0.2)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["object"] == "chat.completion"
    assert body["choices"][0]["message"]["content"] == "Mock reply from openai model gpt-4o-mini."
    assert body["choices"][0]["finish_reason"] == "stop"
    assert body["usage"]["prompt_tokens"] == 5
    assert r.headers["x-switchboard-model"] == "gpt-4o-mini"
    assert r.headers["x-switchboard-provider"] == "openai"

    [seen] = mock_requests(stack, "mock-openai")
    assert seen["path"] == "/v1/chat/completions"
    assert seen["headers"]["authorization"] == f"Bearer {OPENAI_PROVIDER_KEY}"
    assert seen["body"]["model"] == "gpt-4o-mini"
    assert seen["body"]["temperature"] == 0.2
    assert mock_requests(stack, "mock-anthropic") == []


def test_anthropic_dialect_is_translated_both_ways(stack, client, auth):
    clear_mocks(stack)
    body = {
        "model": "claude-sonnet-4-5",
        "messages": [
            {"role": "system", "content": "Be brief"},
            {"role": "user", "content": "Say hello to the gateway"},
        ],
        "stop": ["END"],
    }
    r = client.post("/v1/chat/completions", json=body, headers=auth)
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["object"] == "chat.completion"
    assert out["model"] == "claude-sonnet-4-5"
    assert out["choices"][0]["message"]["role"] == "assistant"
    assert out["choices"][0]["message"]["content"] == "Mock reply from anthropic model claude-sonnet-4-5-20250929."
    assert out["choices"][0]["finish_reason"] == "stop"
    usage = out["usage"]
    assert usage["prompt_tokens"] == 7  # "Be brief" + 5 words
    assert usage["completion_tokens"] == 6
    assert usage["total_tokens"] == 13
    assert r.headers["x-switchboard-model"] == "claude-sonnet-4-5"
    assert r.headers["x-switchboard-provider"] == "anthropic"

    [seen] = mock_requests(stack, "mock-anthropic")
    assert seen["path"] == "/v1/messages"
    headers = seen["headers"]
    assert headers["x-api-key"] == ANTHROPIC_PROVIDER_KEY
    assert headers["anthropic-version"] == "2023-06-01"
    assert "authorization" not in headers
    assert int(headers["content-length"]) > 0
    upstream = seen["body"]
    assert upstream["model"] == "claude-sonnet-4-5-20250929"
    assert upstream["system"] == "Be brief"
    assert upstream["max_tokens"] == 8192  # the model's configured default
    assert upstream["stop_sequences"] == ["END"]
    assert [m["role"] for m in upstream["messages"]] == ["user"]


def test_client_credentials_never_reach_a_provider(stack, client, auth):
    clear_mocks(stack)
    for model in ("gpt-4o-mini", "claude-sonnet-4-5"):
        r = client.post(
            "/v1/chat/completions",
            json={"model": model, "messages": [{"role": "user", "content": "hi"}]},
            headers={**auth, "x-api-key": "client-secret", "x-switchboard-cluster": "sb_demo-broken-500"},
        )
        assert r.status_code == 200, r.text
        assert DEMO_KEY not in r.text and OPENAI_PROVIDER_KEY not in r.text and ANTHROPIC_PROVIDER_KEY not in r.text
        for name, value in r.headers.items():
            assert OPENAI_PROVIDER_KEY not in value and ANTHROPIC_PROVIDER_KEY not in value, name
    for seen in mock_requests(stack, "mock-openai") + mock_requests(stack, "mock-anthropic"):
        flat = repr(seen["headers"])
        assert DEMO_KEY not in flat
        assert "client-secret" not in flat
        assert "x-switchboard-cluster" not in seen["headers"]


def test_azure_deployment_url_api_version_and_api_key(stack, client, auth):
    clear_mocks(stack)
    r = client.post(
        "/v1/chat/completions",
        json={"model": "gpt-4o-mini-azure", "messages": [{"role": "user", "content": "hello azure"}]},
        headers=auth,
    )
    assert r.status_code == 200, r.text
    assert r.headers["x-switchboard-provider"] == "azure"
    assert r.json()["choices"][0]["message"]["content"].startswith("Mock reply from openai")
    [seen] = mock_requests(stack, "mock-openai")
    assert seen["path"] == "/openai/deployments/gpt-4o-mini-prod/chat/completions?api-version=2024-10-21"
    assert seen["headers"]["api-key"] == OPENAI_PROVIDER_KEY
    assert seen["headers"][":authority" if ":authority" in seen["headers"] else "host"] == "switchboard-demo.openai.azure.com"
    assert "authorization" not in seen["headers"]
