"""Start and stop the Switchboard stack: mock providers, accounting service, and
a real Envoy loading the built .wasm. Used by the integration tests (free ports
everywhere) and by scripts/run.sh (the demo, in the foreground).

Every child is started by us, known by its pid, and killed by that pid.
Readiness is observed (a LISTENING line, Envoy's admin /ready), never slept on.
"""

from __future__ import annotations

import argparse
import json
import os
import selectors
import signal
import string
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"
RELEASE = ROOT / "target" / "release"
WASM = ROOT / "target" / "wasm32-wasip1" / "release" / "switchboard.wasm"
TEMPLATE = ROOT / "envoy" / "switchboard.yaml.tmpl"

DEMO_KEY = "sk-switchboard-demo"
OPENAI_PROVIDER_KEY = "sk-mock-openai-provider-key"
ANTHROPIC_PROVIDER_KEY = "sk-ant-mock-provider-key"
STARTUP_DEADLINE_S = 60.0


class StackError(RuntimeError):
    pass


@dataclass
class Child:
    name: str
    proc: subprocess.Popen
    log_path: Path
    address: str = ""

    @property
    def port(self) -> int:
        return int(self.address.rsplit(":", 1)[1])

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        if self.proc.stdout:
            self.proc.stdout.close()

    def log_tail(self, lines: int = 80) -> str:
        try:
            text = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return "(no log)"
        return "\n".join(text[-lines:])


def read_listening_line(child: Child, deadline: float) -> str:
    """Wait for the child's `LISTENING ip:port` line, or fail with its log."""
    assert child.proc.stdout is not None
    sel = selectors.DefaultSelector()
    sel.register(child.proc.stdout, selectors.EVENT_READ)
    buf = b""
    try:
        while time.monotonic() < deadline:
            if child.proc.poll() is not None:
                break
            if not sel.select(timeout=0.2):
                continue
            chunk = os.read(child.proc.stdout.fileno(), 4096)
            if not chunk:
                break
            buf += chunk
            for line in buf.decode(errors="replace").splitlines():
                if line.startswith("LISTENING "):
                    return line.split(" ", 1)[1].strip()
    finally:
        sel.close()
    raise StackError(f"{child.name} did not report LISTENING\n{child.log_tail()}")


def start_child(name: str, argv: list[str], state_dir: Path, env: dict | None = None) -> Child:
    log_path = state_dir / f"{name}.log"
    log_file = open(log_path, "ab")
    proc = subprocess.Popen(
        argv,
        stdout=subprocess.PIPE,
        stderr=log_file,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
    )
    log_file.close()
    return Child(name=name, proc=proc, log_path=log_path)


def start_listening(name: str, argv: list[str], state_dir: Path, env: dict | None = None) -> Child:
    child = start_child(name, argv, state_dir, env)
    try:
        child.address = read_listening_line(child, time.monotonic() + STARTUP_DEADLINE_S)
    except Exception:
        child.stop()
        raise
    return child


def render_envoy_config(values: dict[str, str]) -> str:
    """Fill the template, resolve its YAML anchors, and drop the `x-` anchor
    holders Envoy would refuse as unknown fields."""
    text = string.Template(TEMPLATE.read_text()).substitute(values)
    doc = yaml.safe_load(text)
    doc = {k: v for k, v in doc.items() if not k.startswith("x-")}
    return yaml.safe_dump(doc, sort_keys=False)


def http_get(url: str, timeout: float = 2.0) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


@dataclass
class Stack:
    state_dir: Path
    children: dict[str, Child] = field(default_factory=dict)
    gateway_port: int = 0
    admin_port: int = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.gateway_port}"

    @property
    def admin_url(self) -> str:
        return f"http://127.0.0.1:{self.admin_port}"

    @property
    def access_log(self) -> Path:
        return self.state_dir / "access.log"

    @property
    def accounting_db(self) -> Path:
        return self.state_dir / "accounting.db"

    def url_of(self, name: str) -> str:
        return f"http://{self.children[name].address}"

    def start_accounting(self, port: int = 0) -> Child:
        child = start_listening(
            "accounting",
            [
                str(RELEASE / "switchboard-accounting"),
                "--listen",
                f"127.0.0.1:{port}",
                "--database",
                f"sqlite://{self.accounting_db}",
            ],
            self.state_dir,
        )
        self.children["accounting"] = child
        return child

    def stop_child(self, name: str) -> None:
        child = self.children.pop(name, None)
        if child:
            child.stop()

    def logs(self) -> str:
        parts = []
        for child in self.children.values():
            parts.append(f"----- {child.name} ({child.log_path}) -----\n{child.log_tail()}")
        if self.access_log.exists():
            parts.append("----- access log -----\n" + "\n".join(self.access_log.read_text().splitlines()[-40:]))
        return "\n".join(parts)

    def stop(self) -> None:
        # Envoy first so nothing is mid-flight to a stopped child.
        for name in ["envoy", *[n for n in self.children if n != "envoy"]]:
            self.stop_child(name)


def start_stack(
    state_dir: Path,
    listen_port: int = 0,
    admin_port: int = 0,
    flush_interval_ms: int = 100,
    log_level: str = "info",
    concurrency: int = 2,
) -> Stack:
    state_dir.mkdir(parents=True, exist_ok=True)
    for stale in ["accounting.db", "accounting.db-wal", "accounting.db-shm", "access.log", "admin.address"]:
        (state_dir / stale).unlink(missing_ok=True)
    stack = Stack(state_dir=state_dir)
    try:
        mock = str(RELEASE / "mockllm")
        stack.children["mock-openai"] = start_listening(
            "mock-openai", [mock, "--listen", "127.0.0.1:0", "--openai-key", OPENAI_PROVIDER_KEY], state_dir
        )
        stack.children["mock-anthropic"] = start_listening(
            "mock-anthropic",
            [mock, "--listen", "127.0.0.1:0", "--anthropic-key", ANTHROPIC_PROVIDER_KEY],
            state_dir,
        )
        stack.start_accounting()
        config = render_envoy_config(
            {
                "LISTEN_PORT": str(listen_port),
                "ADMIN_PORT": str(admin_port),
                "WASM_PATH": str(WASM),
                "OPENAI_PORT": str(stack.children["mock-openai"].port),
                "ANTHROPIC_PORT": str(stack.children["mock-anthropic"].port),
                "ACCOUNTING_PORT": str(stack.children["accounting"].port),
                "ACCESS_LOG": str(stack.access_log),
                "FLUSH_INTERVAL_MS": str(flush_interval_ms),
                "LOG_LEVEL": log_level,
            }
        )
        config_path = state_dir / "envoy.yaml"
        config_path.write_text(config)
        admin_path = state_dir / "admin.address"
        envoy = start_child(
            "envoy",
            [
                str(VENV_BIN / "envoy"),
                "-c",
                str(config_path),
                "--concurrency",
                str(concurrency),
                "--disable-hot-restart",
                "--admin-address-path",
                str(admin_path),
                "--log-level",
                "warn",
                "--component-log-level",
                "wasm:info",
            ],
            state_dir,
            env={"OPENAI_API_KEY": OPENAI_PROVIDER_KEY, "ANTHROPIC_API_KEY": ANTHROPIC_PROVIDER_KEY},
        )
        stack.children["envoy"] = envoy
        wait_envoy_ready(stack, envoy, admin_path)
        return stack
    except BaseException:
        logs = stack.logs()
        stack.stop()
        if isinstance(logs, str) and logs:
            sys.stderr.write(logs + "\n")
        raise


def wait_envoy_ready(stack: Stack, envoy: Child, admin_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_DEADLINE_S
    while time.monotonic() < deadline:
        if envoy.proc.poll() is not None:
            raise StackError(f"envoy exited with {envoy.proc.returncode}\n{envoy.log_tail()}")
        address = admin_path.read_text().strip() if admin_path.exists() else ""
        if address:
            stack.admin_port = int(address.rsplit(":", 1)[1])
            try:
                status, body = http_get(f"{stack.admin_url}/ready")
                if status == 200:
                    status, body = http_get(f"{stack.admin_url}/listeners?format=json")
                    for listener in json.loads(body)["listener_statuses"]:
                        if listener["name"] == "switchboard":
                            stack.gateway_port = listener["local_address"]["socket_address"]["port_value"]
                            return
            except OSError:
                pass
        time.sleep(0.05)  # polling interval while waiting on an observed condition
    raise StackError(f"envoy not ready in time\n{envoy.log_tail()}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--listen-port", type=int, default=10000)
    parser.add_argument("--admin-port", type=int, default=9901)
    parser.add_argument("--state-dir", type=Path, default=ROOT / ".run")
    args = parser.parse_args()
    stack = start_stack(args.state_dir, args.listen_port, args.admin_port, flush_interval_ms=1000)
    stop = {"now": False}

    def on_signal(_sig, _frame):
        stop["now"] = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    print(
        f"""
Switchboard demo is up.
  gateway     {stack.base_url}   (admin {stack.admin_url})
  accounting  {stack.url_of('accounting')}   (SQLite: {stack.accounting_db})
  mock OpenAI {stack.url_of('mock-openai')}   mock Anthropic {stack.url_of('mock-anthropic')}
  logs        {stack.state_dir}/*.log, access log {stack.access_log}

Try it (models: gpt-4o-mini, claude-sonnet-4-5, demo-failover-429, …):

  curl -s {stack.base_url}/v1/chat/completions \\
    -H 'Authorization: Bearer {DEMO_KEY}' -H 'Content-Type: application/json' \\
    -d '{{"model":"claude-sonnet-4-5","messages":[{{"role":"user","content":"Hello there"}}]}}'

  curl -s '{stack.url_of('accounting')}/v1/usage?limit=5'

Ctrl-C stops everything.
""",
        flush=True,
    )
    try:
        while not stop["now"]:
            for child in stack.children.values():
                if child.proc.poll() is not None:
                    print(f"{child.name} exited ({child.proc.returncode}):\n{child.log_tail()}", file=sys.stderr)
                    stop["now"] = True
            time.sleep(1)  # demo supervision loop: checks children once a second
    finally:
        stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
