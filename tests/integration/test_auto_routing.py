"""Automatic routes in real Envoy: the filter recognises the task, drops
models that cannot serve the request, scores the rest, and explains itself."""

import pytest

CODE = (
    "Write a Rust function `fn parse(input: &str) -> Result<Vec<u32>, Error>` that splits on commas, "
    "trims, and parses each item; add unit tests with #[test] and handle errors with ? and map_err."
)
TOOLS = [{"type": "function", "function": {"name": "run_sql", "parameters": {"type": "object"}}}]


def ask(client, auth, model, text, **extra):
    r = client.post(
        "/v1/chat/completions",
        json={"model": model, "messages": [{"role": "user", "content": text}], **extra},
        headers=auth,
    )
    assert r.status_code == 200, r.text
    return r


def test_chat_goes_to_a_cheap_model_and_code_to_a_code_strong_one(client, auth):
    chat = ask(client, auth, "auto", "hi! how is your day going?")
    assert chat.headers["x-switchboard-task"] == "chat"
    assert chat.headers["x-switchboard-policy"] == "balanced"
    assert chat.headers["x-switchboard-model"] == "gpt-4o-mini"
    code = ask(client, auth, "auto", CODE)
    assert code.headers["x-switchboard-task"] == "code"
    # gpt-4o-mini's code score (66) is the lowest of the candidates.
    assert code.headers["x-switchboard-model"] in ("gemini-2.5-flash", "claude-sonnet-4-5")
    assert "score for code" in code.headers["x-switchboard-reason"]


def test_a_150k_token_document_lands_on_a_long_context_model(client, auth):
    document = "The quarterly report discusses revenue growth in every region. " * 16_000
    r = ask(client, auth, "cheapest", f"Summarize this document:\n{document}")
    assert r.headers["x-switchboard-task"] == "summarize"
    # The cheapest model (gpt-4o-mini, 128k context) cannot hold it.
    assert r.headers["x-switchboard-model"] != "gpt-4o-mini"


def test_a_tools_request_lands_on_a_tool_capable_model(client, auth):
    r = ask(client, auth, "best", "Find last month's top customers", tools=TOOLS)
    assert r.headers["x-switchboard-task"] == "agent"
    assert r.headers["x-switchboard-model"] == "claude-sonnet-4-5"
    assert r.json()["choices"][0]["finish_reason"] == "tool_calls"


@pytest.mark.parametrize("policy,expected", [("cheapest", "gpt-4o-mini"), ("best", "claude-sonnet-4-5")])
def test_policies_change_the_choice(client, auth, policy, expected):
    r = ask(client, auth, policy, CODE)
    assert r.headers["x-switchboard-model"] == expected
    assert r.headers["x-switchboard-policy"] == policy


def test_nothing_fits_is_a_clear_400(client, auth):
    document = "word " * 1_300_000
    r = client.post(
        "/v1/chat/completions",
        json={"model": "auto", "messages": [{"role": "user", "content": document}]},
        headers=auth,
    )
    assert r.status_code in (400, 413), r.text[:300]
    if r.status_code == 400:
        assert r.json()["error"]["code"] == "no_model_fits"


def test_the_decision_reaches_the_usage_record(stack, client, auth):
    from conftest import wait_for
    from test_accounting import usage_row

    r = ask(client, auth, "auto", CODE)
    row = wait_for(lambda: usage_row(stack.accounting_db, r.headers["x-request-id"]), "the usage row")
    assert row["model_requested"] == "auto"
    assert row["model_served"] == r.headers["x-switchboard-model"]
    assert (row["task"], row["route_policy"]) == ("code", "balanced")
    assert row["route_reason"] == r.headers["x-switchboard-reason"]
    assert "score for code" in row["route_reason"]
