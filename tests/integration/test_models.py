"""`GET /v1/models` is answered by the filter from the routing table."""

import openai

from conftest import clear_mocks, mock_requests
from stack import DEMO_KEY


def test_models_list_comes_from_the_routing_table(stack, client, auth):
    clear_mocks(stack)
    r = client.get("/v1/models", headers=auth)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["object"] == "list"
    ids = [m["id"] for m in body["data"]]
    assert "gpt-4o-mini" in ids and "claude-sonnet-4-5" in ids
    assert ids == sorted(ids)
    assert mock_requests(stack, "mock-openai") == [] and mock_requests(stack, "mock-anthropic") == []


def test_models_need_a_key(client):
    r = client.get("/v1/models")
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "invalid_api_key"


def test_sdk_lists_and_retrieves_models(stack):
    sdk = openai.OpenAI(base_url=f"{stack.base_url}/v1", api_key=DEMO_KEY, max_retries=0)
    assert "claude-sonnet-4-5" in [m.id for m in sdk.models.list()]
    assert sdk.models.retrieve("gpt-4o-mini").id == "gpt-4o-mini"
    try:
        sdk.models.retrieve("nope")
        raise AssertionError("expected 404")
    except openai.NotFoundError as e:
        assert e.code == "model_not_found"
