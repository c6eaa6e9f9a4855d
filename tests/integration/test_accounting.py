"""Usage reaches the accounting database asynchronously, and waits while the
accounting service is down."""

import json
import sqlite3

import httpx

from conftest import wait_for


def usage_row(db_path, request_id):
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        con.row_factory = sqlite3.Row
        row = con.execute("SELECT * FROM usage_records WHERE request_id = ?", (request_id,)).fetchone()
        return dict(row) if row else None
    finally:
        con.close()


def send(client, auth, model="claude-sonnet-4-5", text="count these five words"):
    r = client.post(
        "/v1/chat/completions",
        json={"model": model, "messages": [{"role": "user", "content": text}]},
        headers=auth,
    )
    return r


def test_usage_row_has_the_token_counts_the_client_saw(stack, client, auth):
    r = send(client, auth)
    assert r.status_code == 200, r.text
    request_id = r.headers["x-request-id"]
    usage = r.json()["usage"]
    row = wait_for(lambda: usage_row(stack.accounting_db, request_id), "the usage row")
    assert row["key_id"] == "demo"
    assert row["team"] == "demo"
    assert row["model_requested"] == "claude-sonnet-4-5"
    assert row["model_served"] == "claude-sonnet-4-5"
    assert row["provider"] == "anthropic"
    assert row["status"] == 200
    assert row["input_tokens"] == usage["prompt_tokens"] == 4
    assert row["output_tokens"] == usage["completion_tokens"]
    assert row["attempts"] == 1


def test_failed_attempts_are_not_billed(stack, client, auth):
    r = send(client, auth, model="demo-broken-500")
    assert r.status_code == 500
    row = wait_for(lambda: usage_row(stack.accounting_db, r.headers["x-request-id"]), "the failed row")
    assert row["status"] == 500
    assert (row["input_tokens"], row["output_tokens"]) == (0, 0)


def test_failover_row_names_the_serving_model(stack, client, auth):
    r = send(client, auth, model="demo-failover-429")
    assert r.status_code == 200
    row = wait_for(lambda: usage_row(stack.accounting_db, r.headers["x-request-id"]), "the failover row")
    assert row["model_served"] == "claude-sonnet-4-5"
    assert row["attempts"] == 2
    assert row["input_tokens"] == r.json()["usage"]["prompt_tokens"]


def test_access_log_has_counts_and_no_prompt_text(stack, client, auth):
    marker = "zebra-quartz-secret-prompt"
    r = send(client, auth, model="gpt-4o-mini", text=f"remember {marker}")
    assert r.status_code == 200
    request_id = r.headers["x-request-id"]

    def logged():
        if not stack.access_log.exists():
            return None
        for line in stack.access_log.read_text().splitlines():
            entry = json.loads(line)
            if entry.get("request_id") == request_id:
                return entry
        return None

    entry = wait_for(logged, "the access log line")
    assert entry["key_id"] == "demo"
    assert entry["model"] == "gpt-4o-mini"
    assert int(entry["input_tokens"]) == r.json()["usage"]["prompt_tokens"]
    assert int(entry["output_tokens"]) == r.json()["usage"]["completion_tokens"]
    for path in stack.state_dir.glob("*.log"):
        assert marker not in path.read_text(errors="replace"), path


def test_records_wait_while_accounting_is_down(stack, client, auth):
    port = stack.children["accounting"].port
    stack.stop_child("accounting")
    r = send(client, auth, model="gpt-4o-mini")
    assert r.status_code == 200, "the request path must not depend on accounting"
    request_id = r.headers["x-request-id"]
    # The flusher must have tried and failed at least once before we restart.
    wait_for(
        lambda: "accounting" in stack.children["envoy"].log_tail(400) and "kept" in stack.children["envoy"].log_tail(400),
        "the flusher to report the outage",
    )
    assert usage_row(stack.accounting_db, request_id) is None
    stack.start_accounting(port=port)
    row = wait_for(lambda: usage_row(stack.accounting_db, request_id), "the delayed row", timeout=30)
    assert row["status"] == 200
    health = httpx.get(f"{stack.url_of('accounting')}/v1/usage", params={"request_id": request_id}, timeout=5)
    assert health.json()["records"][0]["request_id"] == request_id


def test_metrics_count_requests_and_tokens_per_model(stack, client, auth):
    def counter(name):
        r = httpx.get(f"{stack.admin_url}/stats", params={"filter": name.replace(".", r"\.") + "$"}, timeout=5)
        for line in r.text.splitlines():
            stat, _, value = line.partition(": ")
            if stat == name:
                return int(value)
        return 0

    ok = "wasmcustom.switchboard.requests.model.claude-sonnet-4-5.status.2xx"
    tokens = "wasmcustom.switchboard.input_tokens.model.claude-sonnet-4-5"
    before_ok, before_tokens = counter(ok), counter(tokens)
    r = send(client, auth)
    assert r.status_code == 200
    wait_for(lambda: counter(ok) >= before_ok + 1, "the request counter")
    assert counter(tokens) >= before_tokens + r.json()["usage"]["prompt_tokens"]
