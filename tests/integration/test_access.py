"""Roles, zero data retention and aliases: what a key may use is enforced on
concrete models (403 with a stable code), filters automatic routes, and
shapes `GET /v1/models`, which shows the catalog facts of every model."""

import httpx
import openai
import pytest

from conftest import clear_mocks, mock_requests

INTERN = {"Authorization": "Bearer sk-switchboard-intern"}
PHI = {"Authorization": "Bearer sk-switchboard-phi"}


def chat(client, headers, model, content="hello"):
    return client.post(
        "/v1/chat/completions",
        json={"model": model, "messages": [{"role": "user", "content": content}]},
        headers=headers,
    )


def test_a_role_limits_the_models_a_key_may_use(stack, client):
    clear_mocks(stack)
    r = chat(client, INTERN, "claude-sonnet-4-5")
    assert r.status_code == 403, r.text
    error = r.json()["error"]
    assert (error["code"], error["type"], error["param"]) == ("model_not_allowed", "permission_error", "model")
    assert "claude-sonnet-4-5" in error["message"]
    assert mock_requests(stack, "mock-anthropic") == []
    assert chat(client, INTERN, "gpt-4o-mini").status_code == 200
    # Automatic routes only consider what the role allows.
    r = chat(client, INTERN, "best", "Write a Rust function that parses CSV lines; add unit tests.")
    assert r.status_code == 200, r.text
    assert r.headers["x-switchboard-model"] == "gpt-4o-mini"


def test_zdr_keys_only_reach_providers_offering_it(client):
    r = chat(client, PHI, "gemini-2.5-flash")
    assert r.status_code == 403, r.text
    assert r.json()["error"]["code"] == "zdr_required"
    for route in ("cheapest", "fastest", "auto"):
        r = chat(client, PHI, route)
        assert r.status_code == 200, r.text
        assert r.headers["x-switchboard-model"] != "gemini-2.5-flash", route


def test_nothing_allowed_fits_is_a_400_naming_why(client):
    long_doc = "The quarterly report discusses revenue and costs. " * 16_000
    r = chat(client, INTERN, "auto", f"Summarize:\n{long_doc}")
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert error["code"] == "no_model_fits"
    assert "claude-sonnet-4-5: not allowed for this key" in error["message"]


def test_an_alias_resolves_to_its_model(stack, client, auth):
    clear_mocks(stack)
    r = chat(client, auth, "mini")
    assert r.status_code == 200, r.text
    assert r.headers["x-switchboard-model"] == "gpt-4o-mini"
    [seen] = mock_requests(stack, "mock-openai")
    assert seen["body"]["model"] == "gpt-4o-mini"


def test_models_show_catalog_facts_and_only_what_the_key_may_use(stack, client, auth):
    everything = {m["id"]: m for m in client.get("/v1/models", headers=auth).json()["data"]}
    mini = everything["gpt-4o-mini"]
    assert mini["context_window"] == 128000
    assert mini["pricing"] == {"input_per_million": 0.15, "output_per_million": 0.6}
    assert "tools" in mini["capabilities"] and "vision" in mini["capabilities"]
    assert mini["aliases"] == ["mini"]
    assert everything["cheapest"]["routing"]["policy"] == "cheapest"
    intern = {m["id"] for m in client.get("/v1/models", headers=INTERN).json()["data"]}
    assert "claude-sonnet-4-5" not in intern and "gpt-4o-mini" in intern
    assert client.get("/v1/models/claude-sonnet-4-5", headers=INTERN).status_code == 404
    sdk = openai.OpenAI(base_url=f"{stack.base_url}/v1", api_key="sk-switchboard-intern", max_retries=0)
    assert sdk.models.retrieve("mini").id == "gpt-4o-mini"
    with pytest.raises(openai.NotFoundError):
        sdk.models.retrieve("claude-sonnet-4-5")
