"""`POST /v1/embeddings` through the gateway to an OpenAI-dialect provider
and to Gemini (`:batchEmbedContents`, translated both ways), with the
official SDK, usage accounted like chat."""

import openai

from conftest import clear_mocks, mock_requests, wait_for
from stack import DEMO_KEY, GEMINI_PROVIDER_KEY, OPENAI_PROVIDER_KEY
from test_accounting import usage_row

GEMINI_EMBED = "gemini-embedding-001"
MASK = (1 << 64) - 1


def mock_gemini_vector(text: str, dimensions: int = 3072) -> list[float]:
    """The Gemini mock's vector of `text` (crates/mockllm/src/gemini/embed.rs):
    FNV-1a 64 seeds xorshift64; each value is ((x >> 56) - 128) / 128."""
    state = 0xCBF29CE484222325
    for byte in text.encode():
        state = ((state ^ byte) * 0x100000001B3) & MASK
    state = state or 1
    values = []
    for _ in range(dimensions):
        state ^= (state << 13) & MASK
        state ^= state >> 7
        state ^= (state << 17) & MASK
        values.append(((state >> 56) - 128) / 128)
    return values


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


def test_gemini_embeddings_through_the_sdk_default_base64(stack):
    clear_mocks(stack)
    sdk = openai.OpenAI(base_url=f"{stack.base_url}/v1", api_key=DEMO_KEY, max_retries=0)
    # The SDK asks for base64 unless told otherwise, and decodes the f32 bytes.
    raw = sdk.embeddings.with_raw_response.create(model=GEMINI_EMBED, input=["one two", "three"])
    assert isinstance(raw.http_response.json()["data"][0]["embedding"], str)
    result = raw.parse()
    assert result.object == "list" and result.model == GEMINI_EMBED
    assert [d.index for d in result.data] == [0, 1]
    assert result.data[0].embedding == mock_gemini_vector("one two")
    assert result.data[1].embedding == mock_gemini_vector("three")
    assert result.usage.prompt_tokens > 0
    assert result.usage.total_tokens == result.usage.prompt_tokens
    assert raw.headers["x-switchboard-provider"] == "gemini"

    [seen] = mock_requests(stack, "mock-gemini")
    assert seen["path"] == f"/v1beta/models/{GEMINI_EMBED}:batchEmbedContents"
    assert seen["headers"]["x-goog-api-key"] == GEMINI_PROVIDER_KEY
    assert "authorization" not in seen["headers"]
    assert "x-switchboard-operation" not in seen["headers"]
    assert all(DEMO_KEY not in str(v) for v in seen["headers"].values())
    assert seen["body"] == {
        "requests": [
            {"model": f"models/{GEMINI_EMBED}", "content": {"parts": [{"text": "one two"}]}},
            {"model": f"models/{GEMINI_EMBED}", "content": {"parts": [{"text": "three"}]}},
        ]
    }
    # Gemini reports no token count: the gateway's estimate is billed.
    row = wait_for(lambda: usage_row(stack.accounting_db, raw.headers["x-request-id"]), "the embeddings row")
    assert (row["input_tokens"], row["output_tokens"]) == (result.usage.prompt_tokens, 0)
    assert row["provider"] == "gemini" and row["status"] == 200


def test_gemini_embeddings_as_floats_with_dimensions(stack):
    clear_mocks(stack)
    sdk = openai.OpenAI(base_url=f"{stack.base_url}/v1", api_key=DEMO_KEY, max_retries=0)
    raw = sdk.embeddings.with_raw_response.create(
        model=GEMINI_EMBED, input="hello gemini", encoding_format="float", dimensions=16
    )
    assert raw.http_response.json()["data"][0]["embedding"] == mock_gemini_vector("hello gemini", 16)
    result = raw.parse()
    assert len(result.data) == 1 and len(result.data[0].embedding) == 16
    [seen] = mock_requests(stack, "mock-gemini")
    assert seen["body"]["requests"][0]["outputDimensionality"] == 16
    row = wait_for(lambda: usage_row(stack.accounting_db, raw.headers["x-request-id"]), "the embeddings row")
    assert row["input_tokens"] == result.usage.prompt_tokens > 0


def test_gemini_embeddings_refuse_token_arrays(stack, client, auth):
    clear_mocks(stack)
    for tokens in ([1, 2, 3], [[1, 2], [3]]):
        r = client.post("/v1/embeddings", json={"model": GEMINI_EMBED, "input": tokens}, headers=auth)
        assert r.status_code == 400, r.text
        error = r.json()["error"]
        assert (error["code"], error["param"]) == ("unsupported_parameter", "input")
        assert "text" in error["message"]
    sdk = openai.OpenAI(base_url=f"{stack.base_url}/v1", api_key=DEMO_KEY, max_retries=0)
    try:
        sdk.embeddings.create(model=GEMINI_EMBED, input=[[1, 2, 3]])
        raise AssertionError("token arrays must be refused")
    except openai.BadRequestError as e:
        assert e.code == "unsupported_parameter" and e.param == "input"
    assert mock_requests(stack, "mock-gemini") == []
