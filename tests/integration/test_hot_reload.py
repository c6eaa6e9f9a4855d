"""Hot reload through ECDS: the plugin configs live in files Envoy watches
(`switchboard envoy` writes them atomically). While traffic flows, a changed
routing table takes effect without a failed request; an invalid config is
rejected by the filter's `on_configure`, and the old one keeps serving."""

from __future__ import annotations

import threading
import time

import httpx
import pytest
import yaml

import stack as stack_mod
from conftest import mock_requests, wait_for

POLICY_STATS = "extension_config_discovery.http_filter.switchboard.policy"
TRANSLATE_STATS = "extension_config_discovery.upstream_http_filter.switchboard.translate"
NEW_MODEL = "hot-added-model"
NEW_AUTHORITY = "openai.hot-reload.test"
AUTH = {"Authorization": f"Bearer {stack_mod.DEMO_KEY}"}


def stat(stack, name: str) -> int:
    r = httpx.get(f"{stack.admin_url}/stats", params={"filter": f"^{name}$", "format": "json"}, timeout=5)
    r.raise_for_status()
    for s in r.json()["stats"]:
        if s.get("name") == name:
            return int(s["value"])
    raise AssertionError(f"no stat {name}")


def chat(client: httpx.Client, model: str) -> httpx.Response:
    return client.post(
        "/v1/chat/completions",
        json={"model": model, "messages": [{"role": "user", "content": "hello"}]},
        headers=AUTH,
    )


class Traffic(threading.Thread):
    """Requests in a loop until stopped, bounded in count and time."""

    def __init__(self, stack, models: list[str], max_requests: int = 5000, max_seconds: float = 90.0):
        super().__init__(daemon=True)
        self.base_url = stack.base_url
        self.models = models
        self.max_requests = max_requests
        self.deadline = time.monotonic() + max_seconds
        self.stopped = threading.Event()
        self.results: list[tuple[str, int, str]] = []

    def run(self) -> None:
        with httpx.Client(base_url=self.base_url, timeout=30.0) as client:
            i = 0
            while not self.stopped.is_set() and i < self.max_requests and time.monotonic() < self.deadline:
                model = self.models[i % len(self.models)]
                try:
                    r = chat(client, model)
                    self.results.append((model, r.status_code, r.text if r.status_code != 200 else ""))
                except httpx.HTTPError as e:
                    self.results.append((model, 0, repr(e)))
                i += 1

    def count(self) -> int:
        return len(self.results)

    def stop(self) -> list[tuple[str, int, str]]:
        self.stopped.set()
        self.join(timeout=60)
        assert not self.is_alive()
        return self.results


class Flows:
    """Several concurrent request loops, so requests are in flight at the
    moment a config changes."""

    def __init__(self, threads: list[Traffic]):
        self.threads = threads

    def count(self) -> int:
        return sum(t.count() for t in self.threads)

    def stop(self) -> list[tuple[str, int, str]]:
        return [r for t in self.threads for r in t.stop()]


@pytest.fixture()
def traffic(own_stack):
    started: list[Flows] = []

    def start(models: list[str], concurrency: int = 3) -> Flows:
        flows = Flows([Traffic(own_stack, models) for _ in range(concurrency)])
        started.append(flows)
        for t in flows.threads:
            t.start()
        wait_for(lambda: all(t.count() >= 10 for t in flows.threads), "traffic to flow")
        return flows

    yield start
    for flows in started:
        flows.stop()


def changed_gateway_file(stack, tmp_path):
    """The demo gateway file plus a model routed to an existing cluster, and
    the OpenAI provider's authority changed (a translate-config change)."""
    text = stack_mod.GATEWAY_FILE.read_text()
    text = text.replace("authority: api.openai.com", f"authority: {NEW_AUTHORITY}", 1)
    text = text.replace(
        "models:\n",
        f"models:\n  - name: {NEW_MODEL}\n    cluster: sb_claude-sonnet-4-5\n",
        1,
    )
    path = tmp_path / "changed.gateway.yaml"
    path.write_text(text)
    return path


def test_routing_change_under_traffic_loses_no_request(own_stack, traffic, tmp_path):
    with httpx.Client(base_url=own_stack.base_url, timeout=30.0) as client:
        assert chat(client, NEW_MODEL).status_code == 404
        reloads = stat(own_stack, f"{POLICY_STATS}.config_reload")
        translate_reloads = stat(own_stack, f"{TRANSLATE_STATS}.config_reload")
        flow = traffic(["gpt-4o-mini", "claude-sonnet-4-5"])

        own_stack.generate_envoy_config(changed_gateway_file(own_stack, tmp_path))

        r = wait_for(
            lambda: (lambda r: r if r.status_code == 200 else None)(chat(client, NEW_MODEL)),
            "the added model to route",
        )
        assert r.headers["x-switchboard-model"] == "claude-sonnet-4-5"
        assert stat(own_stack, f"{POLICY_STATS}.config_reload") == reloads + 1
        wait_for(
            lambda: stat(own_stack, f"{TRANSLATE_STATS}.config_reload") == translate_reloads + 1,
            "the translate config to reload",
        )
        # The translate filter now sends the new authority upstream.
        r = chat(client, "gpt-4o-mini")
        assert r.status_code == 200
        [seen] = [
            m
            for m in mock_requests(own_stack, "mock-openai")
            if m["headers"].get("x-request-id") == r.headers["x-request-id"]
        ]
        assert seen["headers"]["host"] == NEW_AUTHORITY

        during = flow.count()
        wait_for(lambda: flow.count() >= during + 20, "traffic after the change")
    results = flow.stop()
    failed = [r for r in results if r[1] != 200]
    assert not failed, failed[:5]
    assert len(results) >= 50


def write_policy_config(stack, plugin_config: str) -> None:
    """Replace the policy ECDS file by hand (write, then rename into the
    watched directory), as a broken deployment tool would."""
    path = stack.ecds_dir / "policy" / "ecds.yaml"
    doc = yaml.safe_load(path.read_text())
    doc["resources"][0]["typed_config"]["config"]["configuration"]["value"] = plugin_config
    doc["version_info"] = "broken"
    tmp = path.with_name(".broken.tmp")
    tmp.write_text(yaml.safe_dump(doc))
    tmp.rename(path)


def test_invalid_config_is_rejected_and_the_old_one_keeps_serving(own_stack, traffic):
    rejected = stat(own_stack, f"{POLICY_STATS}.update_rejected")
    # `config_reload` counts attempts (it rises on a rejection too);
    # `update_success` only counts applied configs.
    applied = stat(own_stack, f"{POLICY_STATS}.update_success")
    flow = traffic(["gpt-4o-mini", "claude-sonnet-4-5"])

    write_policy_config(
        own_stack, '{"role": "policy", "models": [{"name": "m", "cluster": "", "default_max_tokens": 0}]}'
    )

    wait_for(lambda: stat(own_stack, f"{POLICY_STATS}.update_rejected") > rejected, "Envoy to reject the update")
    log = own_stack.children["envoy"].log_path
    line = wait_for(
        lambda: next((l for l in log.read_text().splitlines() if "invalid switchboard config" in l), None),
        "the filter's error in Envoy's log",
    )
    assert "models[0].cluster: must not be empty" in line
    assert "models[0].default_max_tokens: must be at least 1" in line
    assert stat(own_stack, f"{POLICY_STATS}.update_success") == applied

    during = flow.count()
    wait_for(lambda: flow.count() >= during + 20, "traffic after the rejected update")
    results = flow.stop()
    failed = [r for r in results if r[1] != 200]
    assert not failed, failed[:5]
    # Still the old routing table (the model from the previous test included).
    with httpx.Client(base_url=own_stack.base_url, timeout=30.0) as client:
        assert chat(client, "claude-sonnet-4-5").status_code == 200
        assert chat(client, NEW_MODEL).status_code == 200
