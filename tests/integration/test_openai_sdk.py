"""The official `openai` Python SDK works unmodified through the gateway."""

import openai
import pytest
from openai.types.chat import ChatCompletion

from stack import DEMO_KEY


@pytest.fixture()
def sdk(stack):
    return openai.OpenAI(base_url=f"{stack.base_url}/v1", api_key=DEMO_KEY, max_retries=0, timeout=30)


@pytest.mark.parametrize("model", ["gpt-4o-mini", "claude-sonnet-4-5"])
def test_typed_completion(sdk, model):
    raw = sdk.chat.completions.with_raw_response.create(
        model=model, messages=[{"role": "user", "content": "hello from the sdk"}], max_tokens=50
    )
    completion = raw.parse()
    assert isinstance(completion, ChatCompletion)
    assert completion.choices[0].message.role == "assistant"
    assert completion.choices[0].message.content.startswith("Mock reply from")
    assert completion.choices[0].finish_reason == "stop"
    assert completion.usage.prompt_tokens == 4
    assert completion.usage.total_tokens == completion.usage.prompt_tokens + completion.usage.completion_tokens
    assert raw.headers["x-switchboard-model"] == model


def test_sdk_sees_typed_errors(stack):
    bad = openai.OpenAI(base_url=f"{stack.base_url}/v1", api_key="sk-nope", max_retries=0)
    with pytest.raises(openai.AuthenticationError) as e:
        bad.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "x"}])
    assert e.value.code == "invalid_api_key"
    good = openai.OpenAI(base_url=f"{stack.base_url}/v1", api_key=DEMO_KEY, max_retries=0)
    with pytest.raises(openai.NotFoundError) as e:
        good.chat.completions.create(model="nope", messages=[{"role": "user", "content": "x"}])
    assert e.value.code == "model_not_found"
