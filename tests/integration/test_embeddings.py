"""`POST /v1/embeddings` through the gateway to an OpenAI-dialect provider,
with the official SDK, usage accounted like chat."""

import openai

from conftest import clear_mocks, mock_requests, wait_for
from stack import DEMO_KEY, OPENAI_PROVIDER_KEY
from test_accounting import usage_row


def test_embeddings_through_the_sdk_are_accounted(stack):
    clear_mocks(stack)
    sdk = openai.OpenAI(base_url=f"{stack.base_url}/v1", api_key=DEMO_KEY, max_retries=0)
    raw = sdk.embeddings.with_raw_response.create(model="text-embedding-3-small", input=["one two", "three"])
    result = raw.parse()
    assert [d.index for d in result.data] == [0, 1]
    assert len(result.data[0].embedding) == 8
    assert result.usage.prompt_tokens == 3
    [seen] = mock_requests(stack, "mock-openai")
    assert seen["path"] == "/v1/embeddings"
    assert seen["headers"]["authorization"] == f"Bearer {OPENAI_PROVIDER_KEY}"
    assert "x-switchboard-operation" not in seen["headers"]
    row = wait_for(lambda: usage_row(stack.accounting_db, raw.headers["x-request-id"]), "the embeddings row")
    assert (row["input_tokens"], row["output_tokens"]) == (3, 0)


def test_embeddings_need_input(client, auth):
    r = client.post("/v1/embeddings", json={"model": "text-embedding-3-small"}, headers=auth)
    assert r.status_code == 400
    assert r.json()["error"]["param"] == "input"


def test_embeddings_to_a_provider_without_them_are_refused(client, auth):
    r = client.post("/v1/embeddings", json={"model": "claude-sonnet-4-5", "input": "x"}, headers=auth)
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "unsupported_parameter"
