"""`POST /v1/messages`: the official `anthropic` Python SDK, unmodified, uses
any model behind the gateway (Anthropic format in, any provider out)."""

import anthropic
import pytest

from conftest import clear_mocks, mock_requests, wait_for
from stack import DEMO_KEY
from test_accounting import usage_row

MODELS = ["claude-sonnet-4-5", "gpt-4o-mini", "gemini-2.5-flash", "claude-sonnet-4-5-bedrock"]
TOOLS = [{"name": "get_weather", "description": "Weather", "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}}}]


@pytest.fixture()
def sdk(stack):
    return anthropic.Anthropic(base_url=stack.base_url, api_key=DEMO_KEY, max_retries=0, timeout=30)


@pytest.mark.parametrize("model", MODELS)
def test_messages_create(stack, sdk, model):
    raw = sdk.messages.with_raw_response.create(
        model=model, max_tokens=100, system="Be brief", messages=[{"role": "user", "content": "hello there"}]
    )
    message = raw.parse()
    assert message.type == "message" and message.role == "assistant"
    assert message.model == model
    assert message.content[0].type == "text"
    assert message.content[0].text.startswith("Mock reply from")
    assert message.stop_reason == "end_turn"
    assert message.usage.input_tokens == 4
    row = wait_for(lambda: usage_row(stack.accounting_db, raw.headers["x-request-id"]), "the usage row")
    assert row["input_tokens"] == 4 and row["output_tokens"] == message.usage.output_tokens


@pytest.mark.parametrize("model", MODELS)
def test_messages_stream(sdk, model):
    with sdk.messages.stream(model=model, max_tokens=100, messages=[{"role": "user", "content": "stream it"}]) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert text.startswith("Mock reply from")
    assert final.stop_reason == "end_turn"
    assert final.usage.output_tokens > 0


@pytest.mark.parametrize("model", ["claude-sonnet-4-5", "gpt-4o-mini"])
def test_tool_use_round_trip(stack, sdk, model):
    first = sdk.messages.create(
        model=model, max_tokens=100, tools=TOOLS, messages=[{"role": "user", "content": "weather in Paris?"}]
    )
    assert first.stop_reason == "tool_use"
    [call] = [b for b in first.content if b.type == "tool_use"]
    assert call.name == "get_weather" and call.input == {"mock": True}
    clear_mocks(stack)
    second = sdk.messages.create(
        model=model,
        max_tokens=100,
        tools=TOOLS,
        messages=[
            {"role": "user", "content": "weather in Paris?"},
            {"role": "assistant", "content": [b.model_dump(exclude_none=True) for b in first.content]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": call.id, "content": "21 C"}]},
        ],
    )
    assert second.stop_reason == "end_turn"
    mock = "mock-anthropic" if model.startswith("claude") else "mock-openai"
    [seen] = mock_requests(stack, mock)
    assert "x-api-key" not in seen["headers"] or seen["headers"]["x-api-key"] != DEMO_KEY


def test_errors_are_typed_anthropic_errors(stack):
    bad = anthropic.Anthropic(base_url=stack.base_url, api_key="sk-nope", max_retries=0)
    with pytest.raises(anthropic.AuthenticationError):
        bad.messages.create(model="gpt-4o-mini", max_tokens=10, messages=[{"role": "user", "content": "x"}])
    good = anthropic.Anthropic(base_url=stack.base_url, api_key=DEMO_KEY, max_retries=0)
    with pytest.raises(anthropic.NotFoundError):
        good.messages.create(model="nope", max_tokens=10, messages=[{"role": "user", "content": "x"}])
    with pytest.raises(anthropic.BadRequestError):
        good.messages.create(model="gpt-4o-mini", max_tokens=10, messages=[])
    with pytest.raises(anthropic.RateLimitError):
        good.messages.create(model="demo-claude-overloaded", max_tokens=10, messages=[{"role": "user", "content": "x"}])
