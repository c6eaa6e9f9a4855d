"""AWS Bedrock Converse end to end in real Envoy: the filter SigV4-signs each
request (the mock recomputes the signature and refuses a mismatch), and the
binary event stream comes back as OpenAI SSE."""

import openai

from conftest import clear_mocks, mock_requests
from stack import AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, DEMO_KEY

MODEL = "claude-sonnet-4-5-bedrock"
UPSTREAM = "anthropic.claude-sonnet-4-5-20250929-v1:0"


def test_signed_converse_request(stack, client, auth):
    clear_mocks(stack)
    r = client.post(
        "/v1/chat/completions",
        json={"model": MODEL, "messages": [{"role": "system", "content": "Be brief"}, {"role": "user", "content": "hello bedrock"}]},
        headers=auth,
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["model"] == MODEL
    assert body["choices"][0]["message"]["content"] == f"Mock reply from bedrock model {UPSTREAM}."
    assert body["usage"]["prompt_tokens"] == 4
    [seen] = mock_requests(stack, "mock-bedrock")
    # The model id is one path segment, ':' encoded once on the wire.
    assert seen["path"] == "/model/anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse"
    headers = seen["headers"]
    assert headers["authorization"].startswith(f"AWS4-HMAC-SHA256 Credential={AWS_ACCESS_KEY_ID}/")
    assert "/us-east-1/bedrock/aws4_request" in headers["authorization"]
    assert AWS_SECRET_ACCESS_KEY not in repr(headers)
    assert DEMO_KEY not in repr(headers)
    assert seen["body"]["system"] == [{"text": "Be brief"}]


def test_event_stream_becomes_openai_sse(stack):
    sdk = openai.OpenAI(base_url=f"{stack.base_url}/v1", api_key=DEMO_KEY, max_retries=0)
    chunks = list(
        sdk.chat.completions.create(
            model=MODEL,
            messages=[{"role": "user", "content": "stream please"}],
            stream=True,
            stream_options={"include_usage": True},
        )
    )
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == f"Mock reply from bedrock model {UPSTREAM}."
    assert chunks[-1].choices == [] and chunks[-1].usage.prompt_tokens == 2
