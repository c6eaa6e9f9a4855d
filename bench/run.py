#!/usr/bin/env python3
"""Side-by-side benchmark of Switchboard (run by scripts/bench.sh, which builds
and installs everything first; method and reading in BENCHMARKS.md).

Arms, all against the same upstream (bench/fastmock) with the same load
generator (wrk; bench/fastmock's sseclient for streams) and concurrency:

  direct                 the load generator straight to the mock
  envoy                  bare Envoy: router only, config derived from Switchboard's
  switchboard            Envoy + Switchboard, full policy path, OpenAI upstream
  switchboard-anthropic  the same, Anthropic upstream (translation both ways)
  litellm                LiteLLM proxy (1 worker), mock as an OpenAI provider
  portkey                Portkey gateway (node), mock as an OpenAI custom host

The gateway under test runs on core 0 (taskset; Envoy --concurrency 1); the
mock, the accounting service and the load generator on core 1. Every arm is
warmed up, then the arms are interleaved in rounds (their order rotating) and
each figure is taken from the median round (by throughput). Each run is bounded
by time, never by a request count, so arms 100x apart take the same time.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import procs  # noqa: E402
import report  # noqa: E402
from procs import BenchError, Child  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
RELEASE = ROOT / "target" / "release"
FASTMOCK = ROOT / "target" / "bench" / "release" / "fastmock"
SSECLIENT = ROOT / "target" / "bench" / "release" / "sseclient"
MICROBENCH = RELEASE / "examples" / "microbench"
WASM = ROOT / "target" / "wasm32-wasip1" / "release" / "switchboard.wasm"
NOOP_WASM = ROOT / "target" / "bench" / "wasm32-wasip1" / "release" / "wasm_noop.wasm"
ENVOY = ROOT / ".venv" / "bin" / "envoy"
LITELLM = ROOT / ".venv-bench" / "bin" / "litellm"
PORTKEY = BENCH / "node_modules" / "@portkey-ai" / "gateway" / "build" / "start-server.js"
GATEWAY_FILE = BENCH / "bench.gateway.yaml"

GATEWAY_CORE = 0
DRIVER_CORE = 1
CLIENT_KEY = "sk-switchboard-demo"  # its sha256 is in bench.gateway.yaml
LITELLM_MASTER_KEY = "sk-bench-master"
MOCK_KEY = "sk-mock-provider-key"
ANSWER_MARK = "Switchboard benchmark answer"
EVENTS = 200

ALL_ARMS = ["direct", "envoy", "switchboard", "switchboard-anthropic", "litellm", "portkey"]
# Ablations of the Switchboard arm, to see where its time goes (`--arms`).
EXTRA_ARMS = ["envoy-upstream-filter", "wasm-noop", "wasm-noop-buffer", "wasm-noop-x2", "wasm-noop-enqueue",
              "wasm-noop-props", "wasm-noop-meta", "wasm-noop-headers", "wasm-noop-body", "wasm-noop-rewrite",
              "wasm-noop-route", "sb-policy-only", "sb-translate-only", "sb-no-accounting"]
# Plugin configuration of the no-op filter, downstream and upstream (None: absent).
NOOP_MODES = {
    "wasm-noop": ("pass", None),
    "wasm-noop-buffer": ("buffer", None),
    "wasm-noop-x2": ("buffer", "buffer"),
    "wasm-noop-enqueue": ("buffer,enqueue", None),
    "wasm-noop-props": ("buffer,props", None),
    "wasm-noop-meta": ("buffer", "buffer,meta"),
    "wasm-noop-headers": ("buffer,headers", None),
    "wasm-noop-body": ("buffer,body", None),
    "wasm-noop-rewrite": ("buffer", "buffer,rewrite"),
    "wasm-noop-route": ("buffer,route", None),
}
LABELS = {
    "direct": "direct to the mock",
    "envoy": "bare Envoy (router only)",
    "switchboard": "Envoy + Switchboard (OpenAI upstream)",
    "switchboard-anthropic": "Envoy + Switchboard (Anthropic upstream)",
    "litellm": "LiteLLM proxy",
    "portkey": "Portkey gateway",
    "envoy-upstream-filter": "bare Envoy + upstream filter chain (codec only)",
    "wasm-noop": "bare Envoy + a no-op wasm filter",
    "wasm-noop-buffer": "bare Envoy + a no-op wasm filter that buffers bodies",
    "wasm-noop-x2": "bare Envoy + no-op buffering wasm filters downstream and upstream",
    "wasm-noop-enqueue": "no-op buffering filter + 1 shared-queue enqueue per request",
    "wasm-noop-props": "no-op buffering filter + 4 set_property per request",
    "wasm-noop-meta": "no-op buffering filters + 3 upstream host metadata reads per request",
    "wasm-noop-headers": "no-op buffering filter + 8 header reads, 4 removals, 2 writes",
    "wasm-noop-body": "no-op buffering filter + request and response body read into the VM",
    "wasm-noop-rewrite": "no-op buffering filters + upstream request body read and written back",
    "wasm-noop-route": "no-op buffering filter + header write and clear_route_cache",
    "sb-policy-only": "Switchboard policy filter only (no translate)",
    "sb-translate-only": "Switchboard translate filter only (no policy)",
    "sb-no-accounting": "Envoy + Switchboard without accounting",
}
# Envoy arms and how their bootstrap is made from the generated one.
ENVOY_ARMS = ["envoy", "switchboard", *EXTRA_ARMS]

MODES = {
    "full": dict(sweep=[1, 8, 32, 64], stream=[1, 8], duration=5.0, stream_duration=4.0,
                 rounds=3, warmup=8.0, stream_warmup=3.0, quiet_budget=150.0),
    "quick": dict(sweep=[1, 32], stream=[1], duration=2.0, stream_duration=2.0,
                  rounds=1, warmup=3.0, stream_warmup=1.0, quiet_budget=15.0),
}


def log(msg: str) -> None:
    print(f"==> {msg}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------ bodies


def chat_body(model: str, stream: bool, size: int = 2048) -> bytes:
    """An OpenAI chat request of `size` bytes (system + user message)."""
    para = ("Please review the following notes from our planning meeting and tell me which "
            "three risks matter most for the launch, with one sentence on each. ")
    body = {"model": model, "messages": [
        {"role": "system", "content": "You are a concise assistant for a product team."},
        {"role": "user", "content": ""}], "temperature": 0.2, "max_tokens": 256}
    if stream:
        body["stream"] = True
        body["stream_options"] = {"include_usage": True}
    base = len(json.dumps(body, separators=(",", ":")))
    text = (para * (size // len(para) + 1))[: max(0, size - base)]
    body["messages"][1]["content"] = text
    return json.dumps(body, separators=(",", ":")).encode()


# ------------------------------------------------------------------ Envoy configs


def generate_switchboard_config(state: Path, mock_port: int, accounting_port: int,
                                arm: str = "switchboard", accounting: bool = True) -> Path:
    out = state / arm / "envoy.yaml"
    out.parent.mkdir(parents=True, exist_ok=True)
    gateway_file = GATEWAY_FILE
    if not accounting:
        text = re.sub(r"(?m)^accounting:\n(?:[ #].*\n?)*", "", GATEWAY_FILE.read_text())
        gateway_file = out.parent / "gateway.yaml"
        gateway_file.write_text(text)
    values = {"listen_port": "0", "admin_port": "0", "wasm_path": str(WASM), "mock_port": str(mock_port)}
    if accounting:
        values["accounting_port"] = str(accounting_port)
    args = [str(RELEASE / "switchboard"), "envoy", str(gateway_file), "-o", str(out),
            "--ecds-dir", str(out.parent / "ecds")]
    for k, v in values.items():
        args += ["--set", f"{k}={v}"]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=60)
    if proc.returncode != 0:
        raise BenchError(f"switchboard envoy failed:\n{proc.stderr}")
    return out


def _hcm_router_only(cfg: dict, cluster: str) -> None:
    """Drop the policy filter; route to `cluster` directly."""
    for listener in cfg["static_resources"]["listeners"]:
        for chain in listener["filter_chains"]:
            for f in chain["filters"]:
                hcm = f["typed_config"]
                hcm["http_filters"] = [h for h in hcm["http_filters"] if h["name"] == "envoy.filters.http.router"]
                for vh in hcm["route_config"]["virtual_hosts"]:
                    for r in vh["routes"]:
                        r["route"].pop("cluster_header", None)
                        r["route"]["cluster"] = cluster


def _upstream_filters(cfg: dict, keep: set[str] | None) -> None:
    """Keep only the named upstream HTTP filters of every cluster (None: drop
    the upstream filter chain altogether, Envoy's default codec)."""
    for c in cfg["static_resources"]["clusters"]:
        for opts in c.get("typed_extension_protocol_options", {}).values():
            if "http_filters" not in opts:
                continue
            if keep is None:
                opts.pop("http_filters")
            else:
                opts["http_filters"] = [h for h in opts["http_filters"] if h["name"] in keep]


def _noop_filter(mode: str) -> dict:
    return {"name": "noop." + mode.replace(",", "_"), "typed_config": {
        "@type": "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm",
        "config": {"name": "noop", "root_id": "noop", "allow_on_headers_stop_iteration": True,
                   "configuration": {"@type": "type.googleapis.com/google.protobuf.StringValue", "value": mode},
                   "vm_config": {"vm_id": "noop", "runtime": "envoy.wasm.runtime.v8",
                                 "code": {"local": {"filename": str(NOOP_WASM)}}}}}}


def _add_noop(cfg: dict, mode: str, upstream: str | None) -> None:
    for listener in cfg["static_resources"]["listeners"]:
        for chain in listener["filter_chains"]:
            for f in chain["filters"]:
                f["typed_config"]["http_filters"].insert(0, _noop_filter(mode))
    if upstream:
        mode = upstream
        for c in cfg["static_resources"]["clusters"]:
            for opts in c.get("typed_extension_protocol_options", {}).values():
                opts["http_filters"] = [_noop_filter(mode), {
                    "name": "envoy.filters.http.upstream_codec", "typed_config": {
                        "@type": "type.googleapis.com/envoy.extensions.filters.http.upstream_codec.v3.UpstreamCodec"}}]


def derive_config(arm: str, switchboard_config: Path, state: Path, cluster: str = "sb_gpt-4o-mini") -> Path:
    """An Envoy arm's bootstrap from the Switchboard arm's. `envoy` (bare): the
    wasm filters removed and the route pointed at the model cluster directly;
    everything else (listener, buffer limits, HCM settings, route timeout and
    retry policy, the cluster with its circuit breakers and protocol options)
    identical. The ablations remove one piece each."""
    cfg = yaml.safe_load(switchboard_config.read_text())
    codec = "envoy.filters.http.upstream_codec"
    if arm == "envoy" or arm.startswith("envoy-") or arm.startswith("wasm-"):
        _hcm_router_only(cfg, cluster)
        _upstream_filters(cfg, {codec} if arm == "envoy-upstream-filter" else None)
        cfg["static_resources"]["clusters"] = [c for c in cfg["static_resources"]["clusters"] if c["name"] == cluster]
        if arm.startswith("wasm-"):
            _add_noop(cfg, *NOOP_MODES[arm])
    elif arm == "sb-policy-only":
        _upstream_filters(cfg, {codec})
    elif arm == "sb-translate-only":
        _hcm_router_only(cfg, cluster)
    else:
        raise BenchError(f"no derivation for {arm}")
    out = state / arm / "envoy.yaml"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(f"# Derived by bench/run.py from the Switchboard arm's bootstrap for arm '{arm}'. Do not edit.\n"
                   + yaml.safe_dump(cfg, sort_keys=False))
    return out


def start_envoy(name: str, config: Path, state: Path) -> Child:
    admin_path = config.parent / "admin.address"
    admin_path.unlink(missing_ok=True)
    child = procs.start(name, [str(ENVOY), "-c", str(config), "--concurrency", "1",
                               "--disable-hot-restart", "--admin-address-path", str(admin_path),
                               "--log-level", "warn"],
                        GATEWAY_CORE, state,
                        env={"OPENAI_API_KEY": MOCK_KEY, "ANTHROPIC_API_KEY": MOCK_KEY})
    deadline = time.monotonic() + procs.STARTUP_DEADLINE_S
    while time.monotonic() < deadline:
        if not child.alive():
            raise BenchError(f"{name} exited ({child.proc.returncode})\n{child.log_tail()}")
        address = admin_path.read_text().strip() if admin_path.exists() else ""
        if address:
            try:
                if procs.http_get(f"http://{address}/ready")[0] == 200:
                    _, body = procs.http_get(f"http://{address}/listeners?format=json")
                    for listener in json.loads(body)["listener_statuses"]:
                        sa = listener["local_address"]["socket_address"]
                        child.address = f"{sa['address']}:{sa['port_value']}"
                        child.admin = address  # type: ignore[attr-defined]
                        return child
            except OSError:
                pass
        time.sleep(0.05)  # polling interval while waiting on an observed condition
    raise BenchError(f"{name} not ready in time\n{child.log_tail()}")


def envoy_stat(child: Child, name: str) -> int | None:
    try:
        _, body = procs.http_get(f"http://{child.admin}/stats?filter=^{name}$")  # type: ignore[attr-defined]
    except OSError:
        return None
    for line in body.decode().splitlines():
        if line.startswith(name + ":"):
            return int(line.split(":", 1)[1])
    return None


# ------------------------------------------------------------------ the stack


class Stack:
    def __init__(self, state: Path, arms: list[str]):
        self.state = state
        self.arms = arms
        self.children: dict[str, Child] = {}
        self.targets: dict[str, dict] = {}
        self.failed: dict[str, str] = {}

    def start(self) -> None:
        s = self.state
        mock = procs.start("fastmock", [str(FASTMOCK), "--listen", "127.0.0.1:0", "--events", str(EVENTS)],
                           DRIVER_CORE, s, capture_stdout=True)
        self.children["fastmock"] = mock
        procs.wait_listening(mock)
        mock_url = f"http://{mock.address}"
        body = {m: {st: self._write_body(m, st) for st in (False, True)} for m in ("gpt-4o-mini", "claude-bench")}
        mock_headers = [f"Authorization: Bearer {MOCK_KEY}"]
        self.targets["direct"] = dict(url=mock_url, headers=mock_headers, body=body["gpt-4o-mini"], proc=None)

        envoy_arms = [a for a in ENVOY_ARMS if a in self.arms or (a == "switchboard" and "switchboard-anthropic" in self.arms)]
        if envoy_arms:
            acct = procs.start("accounting", [str(RELEASE / "switchboard-accounting"), "--listen", "127.0.0.1:0",
                                              "--database", f"sqlite://{s / 'accounting.db'}"],
                               DRIVER_CORE, s, capture_stdout=True)
            self.children["accounting"] = acct
            procs.wait_listening(acct)
            sb_cfg = generate_switchboard_config(s, mock.port, acct.port)
            sb_headers = [f"Authorization: Bearer {CLIENT_KEY}"]
            for arm in envoy_arms:
                if arm == "switchboard":
                    cfg = sb_cfg
                elif arm == "sb-no-accounting":
                    cfg = generate_switchboard_config(s, mock.port, 0, arm, accounting=False)
                else:
                    cfg = derive_config(arm, sb_cfg, s)
                child = start_envoy(arm, cfg, s)
                self.children[arm] = child
                headers = mock_headers if arm.startswith(("envoy", "wasm-")) else sb_headers
                self.targets[arm] = dict(url=f"http://{child.address}", headers=headers,
                                         body=body["gpt-4o-mini"], proc=arm)
                if arm == "switchboard":
                    self.targets["switchboard-anthropic"] = dict(url=f"http://{child.address}", headers=sb_headers,
                                                                 body=body["claude-bench"], proc="switchboard")

        if "litellm" in self.arms:
            self._start_litellm(mock.address, body["gpt-4o-mini"])
        if "portkey" in self.arms:
            self._start_portkey(mock.address, body["gpt-4o-mini"])

    def _write_body(self, model: str, stream: bool) -> Path:
        path = self.state / "bodies" / f"{model}{'-stream' if stream else ''}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(chat_body(model, stream))
        return path

    def _start_litellm(self, mock_address: str, body: dict) -> None:
        cfg = self.state / "litellm" / "config.yaml"
        cfg.parent.mkdir(parents=True, exist_ok=True)
        cfg.write_text(yaml.safe_dump({
            "model_list": [{"model_name": "gpt-4o-mini", "litellm_params": {
                "model": "openai/gpt-4o-mini", "api_base": f"http://{mock_address}/v1", "api_key": MOCK_KEY}}],
            "general_settings": {"master_key": LITELLM_MASTER_KEY},
        }))
        port = procs.free_port()
        child = procs.start("litellm", [str(LITELLM), "--config", str(cfg), "--host", "127.0.0.1",
                                        "--port", str(port), "--num_workers", "1"],
                            GATEWAY_CORE, self.state, cwd=cfg.parent,
                            env={"LITELLM_LOCAL_MODEL_COST_MAP": "True", "LITELLM_LOG": "ERROR"})
        child.address = f"127.0.0.1:{port}"
        self.children["litellm"] = child
        try:
            procs.wait_http_ok(child, f"http://{child.address}/health/liveliness")
        except BenchError as e:
            self.failed["litellm"] = str(e)
            return
        self.targets["litellm"] = dict(url=f"http://{child.address}",
                                       headers=[f"Authorization: Bearer {LITELLM_MASTER_KEY}"],
                                       body=body, proc="litellm")

    def _start_portkey(self, mock_address: str, body: dict) -> None:
        port = procs.free_port()
        child = procs.start("portkey", ["node", "--require", str(BENCH / "portkey-preload.cjs"), str(PORTKEY),
                                        f"--port={port}", "--headless"],
                            GATEWAY_CORE, self.state, cwd=BENCH)
        child.address = f"127.0.0.1:{port}"
        self.children["portkey"] = child
        try:
            procs.wait_http_ok(child, f"http://{child.address}/")
        except BenchError as e:
            self.failed["portkey"] = str(e)
            return
        self.targets["portkey"] = dict(
            url=f"http://{child.address}",
            headers=[f"Authorization: Bearer {MOCK_KEY}", "x-portkey-provider: openai",
                     f"x-portkey-custom-host: http://{mock_address}/v1"],
            body=body, proc="portkey")

    def gateway_pids(self, arm: str) -> list[int]:
        name = self.targets[arm]["proc"]
        return procs.tree_pids(self.children[name].pid) if name else []

    def all_pids(self) -> list[int]:
        return [p for c in self.children.values() for p in procs.tree_pids(c.pid)]

    def stop(self) -> None:
        for name in [n for n in self.children if n not in ("fastmock", "accounting")] + ["accounting", "fastmock"]:
            child = self.children.pop(name, None)
            if child:
                child.stop()


# ------------------------------------------------------------------ runs


def measured(stack: Stack, arm: str, argv: list[str], env: dict, timeout: float) -> tuple[str, dict]:
    """Run one load-generator command against an arm; returns its stdout and
    the resources used meanwhile."""
    gw = stack.gateway_pids(arm)
    mock = procs.tree_pids(stack.children["fastmock"].pid)
    acct = procs.tree_pids(stack.children["accounting"].pid) if "accounting" in stack.children else []
    ours = stack.all_pids()
    c_gw, c_mock, c_acct, c_ours = (procs.cpu_seconds(p) for p in (gw, mock, acct, ours))
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    self0 = resource.getrusage(resource.RUSAGE_SELF)
    j0 = procs.core_jiffies()
    t0 = time.monotonic()
    proc = subprocess.run(["taskset", "-c", str(DRIVER_CORE), *argv], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **env})
    elapsed = time.monotonic() - t0
    j1 = procs.core_jiffies()
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    self1 = resource.getrusage(resource.RUSAGE_SELF)
    if proc.returncode != 0:
        raise BenchError(f"{argv[0]} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    loadgen = (ru1.ru_utime + ru1.ru_stime) - (ru0.ru_utime + ru0.ru_stime)
    driver = (self1.ru_utime + self1.ru_stime) - (self0.ru_utime + self0.ru_stime)
    busy = procs.core_busy(j0, j1)
    total_busy_s = sum((j1[c][0] - j0[c][0]) for c in j1) / procs.CLK_TCK
    ours_s = procs.cpu_seconds(ours) - c_ours + loadgen + driver
    res = {
        "elapsed_s": elapsed,
        "gw_cpu_s": procs.cpu_seconds(gw) - c_gw,
        "mock_cpu_s": procs.cpu_seconds(mock) - c_mock,
        "acct_cpu_s": procs.cpu_seconds(acct) - c_acct,
        "loadgen_cpu_s": loadgen,
        "core0_busy": busy.get("cpu0", 0.0),
        "core1_busy": busy.get("cpu1", 0.0),
        "foreign_cores": max(0.0, total_busy_s - ours_s) / elapsed,
        "gw_rss_kib": procs.rss_kib(gw),
    }
    return proc.stdout, res


def run_wrk(stack: Stack, arm: str, conc: int, duration: float) -> dict:
    t = stack.targets[arm]
    argv = ["wrk", "-t1", f"-c{conc}", f"-d{duration:g}s", "--timeout", "10s", "-s", str(BENCH / "wrk.lua"),
            f"{t['url']}/v1/chat/completions"]
    env = {"WRK_BODY": str(t["body"][False]), "WRK_HEADERS": "\n".join(t["headers"])}
    out, res = measured(stack, arm, argv, env, duration + 60)
    line = next((l for l in out.splitlines() if l.startswith("WRKJSON ")), None)
    if line is None:
        raise BenchError(f"wrk printed no result for {arm}: {out[-1000:]}")
    w = json.loads(line.split(" ", 1)[1])
    errors = w["err_connect"] + w["err_read"] + w["err_write"] + w["err_status"] + w["err_timeout"]
    ok = max(0, w["requests"] - w["err_status"])
    secs = w["duration_us"] / 1e6
    res.update({
        "kind": "wrk", "conc": conc, "requests": w["requests"], "errors": errors, "rps": ok / secs,
        "p50_us": w["p50"], "p90_us": w["p90"], "p99_us": w["p99"], "p999_us": w["p999"],
        "max_us": w["max"], "mean_us": w["mean"],
    })
    res["gw_cpu_us_per_req"] = res["gw_cpu_s"] / ok * 1e6 if ok else None
    res["acct_cpu_us_per_req"] = res["acct_cpu_s"] / ok * 1e6 if ok else None
    return res


def run_stream(stack: Stack, arm: str, conc: int, duration: float) -> dict:
    t = stack.targets[arm]
    argv = [str(SSECLIENT), "--url", f"{t['url']}/v1/chat/completions", "--body-file", str(t["body"][True]),
            "--concurrency", str(conc), "--duration", f"{duration:g}"]
    for h in t["headers"]:
        argv += ["--header", h]
    out, res = measured(stack, arm, argv, {}, duration + 60)
    s = json.loads(out.strip().splitlines()[-1])
    events = s["ok"] * s["events_per_stream"]
    res.update({
        "kind": "stream", "conc": conc, "requests": s["ok"], "errors": s["errors"], "rps": s["rps"],
        "events_per_stream": s["events_per_stream"], "first_error": s["first_error"],
        "ttfb_p50_us": s["ttfb_us"]["p50"], "ttfb_p99_us": s["ttfb_us"]["p99"],
        "ttft_p50_us": s["ttft_us"]["p50"], "ttft_p99_us": s["ttft_us"]["p99"],
        "total_p50_us": s["total_us"]["p50"], "total_p99_us": s["total_us"]["p99"],
    })
    res["gw_cpu_us_per_req"] = res["gw_cpu_s"] / s["ok"] * 1e6 if s["ok"] else None
    res["gw_cpu_ns_per_event"] = res["gw_cpu_s"] / events * 1e9 if events else None
    return res


def sanity(stack: Stack, arm: str) -> str | None:
    """One plain and one streamed request; None when both look right."""
    t = stack.targets[arm]
    req = urllib.request.Request(f"{t['url']}/v1/chat/completions", data=Path(t["body"][False]).read_bytes(),
                                 method="POST")
    req.add_header("Content-Type", "application/json")
    for h in t["headers"]:
        k, v = h.split(":", 1)
        req.add_header(k.strip(), v.strip())
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            body = json.loads(resp.read())
            headers = resp.headers
    except Exception as e:  # noqa: BLE001 - reported, not raised
        return f"plain request failed: {e}"
    content = (body.get("choices") or [{}])[0].get("message", {}).get("content") or ""
    if ANSWER_MARK not in content:
        return f"unexpected answer: {json.dumps(body)[:300]}"
    if arm in ("switchboard", "switchboard-anthropic", "sb-translate-only", "sb-no-accounting") \
            and not headers.get("x-switchboard-model"):
        return "no x-switchboard-model header"
    s = run_stream(stack, arm, 1, 0.5)
    if s["requests"] < 1 or s["errors"] or s["events_per_stream"] < EVENTS:
        return f"stream check failed: {s}"
    return None


def median_run(runs: list[dict]) -> dict:
    target = statistics.median_low([r["rps"] for r in runs])
    return next(r for r in runs if r["rps"] == target)


# ------------------------------------------------------------------ facts


def facts() -> dict:
    def out(args: list[str]) -> str:
        try:
            p = subprocess.run(args, capture_output=True, text=True, timeout=60)
            return (p.stdout + p.stderr).strip()
        except (OSError, subprocess.TimeoutExpired):
            return "?"

    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    envoy = out([str(ENVOY), "--version"])
    envoy = envoy.split("version:", 1)[-1].strip().split()[0] if "version:" in envoy else envoy
    litellm = out([str(ROOT / ".venv-bench" / "bin" / "python"), "-c",
                   "import importlib.metadata as m; print(m.version('litellm'))"])
    portkey = "?"
    try:
        portkey = json.loads((BENCH / "node_modules" / "@portkey-ai" / "gateway" / "package.json").read_text())["version"]
        hono = json.loads((BENCH / "node_modules" / "@hono" / "node-server" / "package.json").read_text())["version"]
        portkey += f" (@hono/node-server {hono})"
    except (OSError, KeyError, ValueError):
        pass
    return {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "nproc": os.cpu_count(), "cpu": cpu, "kernel": platform.release(),
        "mem_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "envoy": envoy, "litellm": litellm, "portkey": portkey, "node": out(["node", "--version"]),
        "wrk": out(["wrk", "-v"]).splitlines()[0] if out(["wrk", "-v"]) else "?",
        "python": platform.python_version(),
        "wasm_bytes": WASM.stat().st_size if WASM.exists() else None,
        "git": out(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"]),
        "git_dirty": bool(out(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"])),
    }


# ------------------------------------------------------------------ main


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="short smoke run (~2 min)")
    ap.add_argument("--arms", default=",".join(ALL_ARMS), help=f"comma list from {ALL_ARMS + EXTRA_ARMS}")
    ap.add_argument("--rounds", type=int)
    ap.add_argument("--duration", type=float, help="seconds per non-streaming run")
    ap.add_argument("--sweep", help="comma list of concurrencies")
    ap.add_argument("--no-stream", action="store_true")
    ap.add_argument("--no-micro", action="store_true", help="skip the core micro-benchmarks")
    ap.add_argument("--name", help="name of this run's result files (default: full, quick or custom)")
    ap.add_argument("--out", type=Path, default=ROOT / "target" / "bench")
    ap.add_argument("--write-doc", action="store_true",
                    help="replace the generated block of BENCHMARKS.md with these results")
    args = ap.parse_args()

    mode = dict(MODES["quick" if args.quick else "full"])
    if args.rounds:
        mode["rounds"] = args.rounds
    if args.duration:
        mode["duration"] = args.duration
    if args.sweep:
        mode["sweep"] = [int(c) for c in args.sweep.split(",")]
    if args.no_stream:
        mode["stream"] = []
    arms = [a for a in args.arms.split(",") if a]
    unknown = set(arms) - set(ALL_ARMS) - set(EXTRA_ARMS)
    if unknown:
        ap.error(f"unknown arms {sorted(unknown)}")
    name = args.name or ("quick" if args.quick else "full")
    if not args.name and set(arms) != set(ALL_ARMS):
        name = "custom"
    out_dir = args.out
    state = out_dir / f"state-{name}"
    shutil.rmtree(state, ignore_errors=True)
    state.mkdir(parents=True)
    os.sched_setaffinity(0, {DRIVER_CORE})

    started = time.monotonic()
    doc = {"mode": name, "settings": mode, "arms": arms, "labels": LABELS, "facts": facts(),
           "runs": [], "sanity": {}, "notes": []}

    if not args.no_micro:
        log("core micro-benchmarks (native, release, core 0)")
        mb_json = out_dir / "microbench.json"
        p = subprocess.run(["taskset", "-c", str(GATEWAY_CORE), str(MICROBENCH), "--json", str(mb_json)]
                           + (["--quick"] if args.quick else []), capture_output=True, text=True, timeout=600)
        sys.stderr.write(p.stdout)
        if p.returncode == 0:
            doc["micro"] = json.loads(mb_json.read_text())
        else:
            doc["notes"].append(f"microbench failed: {p.stderr[-500:]}")

    stack = Stack(state, arms)
    try:
        log(f"starting arms: {', '.join(arms)}")
        stack.start()
        for arm, err in stack.failed.items():
            doc["sanity"][arm] = err
        live = []
        for arm in arms:
            if arm not in stack.targets:
                continue
            err = sanity(stack, arm)
            doc["sanity"][arm] = err or "ok"
            if err:
                log(f"{arm}: sanity check failed, left out: {err}")
            else:
                live.append(arm)
        log(f"warming up {', '.join(live)}")
        for arm in live:
            run_wrk(stack, arm, 8, mode["warmup"])
            if mode["stream"]:
                run_stream(stack, arm, 2, mode["stream_warmup"])
            procs.settle(stack.gateway_pids(arm))

        lanes = [("wrk", c) for c in mode["sweep"]] + [("stream", c) for c in mode["stream"]]
        quiet = procs.QuietWaiter(mode["quiet_budget"])
        for rnd in range(mode["rounds"]):
            order = live[rnd % len(live):] + live[: rnd % len(live)]
            for kind, conc in lanes:
                for arm in order:
                    for attempt in (1, 2):
                        before = quiet.wait(stack.all_pids())
                        if kind == "wrk":
                            r = run_wrk(stack, arm, conc, mode["duration"])
                            summary = f"{r['rps']:9.1f} req/s  p50 {r['p50_us']:7.0f} us  p99 {r['p99_us']:7.0f} us"
                        else:
                            r = run_stream(stack, arm, conc, mode["stream_duration"])
                            summary = (f"{r['rps']:9.1f} streams/s  ttft p50 {r['ttft_p50_us']:7.0f} us  "
                                       f"total p50 {r['total_p50_us']:7.0f} us")
                        # One retry when others loaded the machine during the run.
                        if r["foreign_cores"] < 0.25 or quiet.spent_s >= quiet.budget_s:
                            break
                        procs.settle(stack.gateway_pids(arm))
                    r.update({"arm": arm, "round": rnd, "lane": f"{kind}-c{conc}", "foreign_before": before,
                              "attempts": attempt, "proc": stack.targets[arm]["proc"] or "fastmock"})
                    r["settle_s"] = procs.settle(stack.gateway_pids(arm))
                    doc["runs"].append(r)
                    flag = "" if r["foreign_cores"] < 0.15 else f"  (other load {r['foreign_cores']:.2f} cores)"
                    err = f"  ERRORS {r['errors']}" if r["errors"] else ""
                    log(f"round {rnd + 1}/{mode['rounds']} {kind}-c{conc:<3} {arm:22} {summary}{err}{flag}")

        # Accounting: every request served through a policy filter with
        # accounting has its row.
        with_acct = [a for a in ("switchboard", "sb-policy-only") if a in stack.children]
        if with_acct and "accounting" in stack.children:
            served = sum(envoy_stat(stack.children[a], "http.switchboard.downstream_rq_2xx") or 0 for a in with_acct)
            rows, deadline = -1, time.monotonic() + 30
            while time.monotonic() < deadline:
                with sqlite3.connect(state / "accounting.db") as db:
                    now = db.execute("SELECT count(*) FROM usage_records").fetchone()[0]
                if now >= served or now == rows:
                    rows = now
                    break
                rows = now
                time.sleep(1.0)  # the flusher delivers every flush interval
            doc["accounting"] = {"served_2xx": served, "rows": rows}
            log(f"accounting: {rows} rows for {served} requests served with 2xx")
        doc["final_rss_kib"] = {n: procs.rss_kib(procs.tree_pids(c.pid)) for n, c in stack.children.items()}
    finally:
        stack.stop()

    doc["wall_s"] = time.monotonic() - started
    doc["quiet_wait_s"] = quiet.spent_s if "quiet" in locals() else 0.0
    doc["summary"] = {lane: {arm: median_run([r for r in doc["runs"] if r["lane"] == lane and r["arm"] == arm])
                             for arm in arms if any(r["lane"] == lane and r["arm"] == arm for r in doc["runs"])}
                      for lane in dict.fromkeys(r["lane"] for r in doc["runs"])}
    (out_dir / f"results-{name}.json").write_text(json.dumps(doc, indent=1))
    md = report.render(doc)
    (out_dir / f"results-{name}.md").write_text(md)
    print(md)
    if args.write_doc:
        report.write_into_doc(ROOT / "BENCHMARKS.md", md, name)
    log(f"done in {doc['wall_s']:.0f} s; results in {out_dir}/results-{name}.{{json,md}}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
