"""Children of the benchmark and what they cost: start (pinned with taskset),
wait for readiness, stop by pid; CPU time and RSS of a process tree from /proc;
per-core busy time from /proc/stat.

Every child is started here, known by its pid and stopped by that pid.
Readiness is observed (a LISTENING line, an HTTP 200), never slept on.
"""

from __future__ import annotations

import os
import selectors
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

CLK_TCK = os.sysconf("SC_CLK_TCK")
STARTUP_DEADLINE_S = 90.0


class BenchError(RuntimeError):
    pass


@dataclass
class Child:
    name: str
    proc: subprocess.Popen
    log_path: Path
    address: str = ""

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def port(self) -> int:
        return int(self.address.rsplit(":", 1)[1])

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        # Children of the child first (LiteLLM may run workers), then the child.
        for pid in [p for p in tree_pids(self.pid) if p != self.pid] + [self.pid]:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            for pid in tree_pids(self.pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            self.proc.wait(timeout=10)
        if self.proc.stdout:
            self.proc.stdout.close()

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def free_port() -> int:
    """A port the kernel just handed out on 127.0.0.1 (for peers that cannot
    report the port they bound)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(name: str, argv: list[str], core: int, state: Path, env: dict | None = None,
          capture_stdout: bool = False, cwd: Path | None = None) -> Child:
    log_path = state / f"{name}.log"
    log = open(log_path, "ab")
    proc = subprocess.Popen(
        ["taskset", "-c", str(core), *argv],
        stdout=subprocess.PIPE if capture_stdout else log,
        stderr=log,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
        cwd=cwd,
    )
    log.close()
    return Child(name=name, proc=proc, log_path=log_path)


def wait_listening(child: Child, deadline_s: float = STARTUP_DEADLINE_S) -> str:
    """Wait for the child's `LISTENING ip:port` line."""
    assert child.proc.stdout is not None
    sel = selectors.DefaultSelector()
    sel.register(child.proc.stdout, selectors.EVENT_READ)
    buf = b""
    deadline = time.monotonic() + deadline_s
    try:
        while time.monotonic() < deadline and child.alive():
            if not sel.select(timeout=0.2):
                continue
            chunk = os.read(child.proc.stdout.fileno(), 4096)
            if not chunk:
                break
            buf += chunk
            for line in buf.decode(errors="replace").splitlines():
                if line.startswith("LISTENING "):
                    child.address = line.split(" ", 1)[1].strip()
                    return child.address
    finally:
        sel.close()
    raise BenchError(f"{child.name} did not report LISTENING\n{child.log_tail()}")


def http_get(url: str, timeout: float = 2.0) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def wait_http_ok(child: Child, url: str, deadline_s: float = STARTUP_DEADLINE_S) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if not child.alive():
            raise BenchError(f"{child.name} exited ({child.proc.returncode})\n{child.log_tail()}")
        try:
            if http_get(url)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)  # polling interval while waiting on an observed condition
    raise BenchError(f"{child.name} not ready at {url}\n{child.log_tail()}")


# ------------------------------------------------------------------ /proc


def _children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2:].split()
        kids.setdefault(int(fields[1]), []).append(int(entry))
    return kids


def tree_pids(pid: int) -> list[int]:
    kids = _children_map()
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def cpu_seconds(pids: list[int]) -> float:
    """utime + stime of these processes (all their threads)."""
    ticks = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2:].split()
        ticks += int(fields[11]) + int(fields[12])
    return ticks / CLK_TCK


def rss_kib(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            continue
    return total


def core_jiffies() -> dict[str, tuple[int, int]]:
    """Per core: (busy, total) jiffies since boot."""
    out = {}
    with open("/proc/stat") as f:
        for line in f:
            if line.startswith("cpu") and line[3].isdigit():
                name, *vals = line.split()
                nums = [int(v) for v in vals]
                idle = nums[3] + nums[4]  # idle + iowait
                out[name] = (sum(nums[:8]) - idle, sum(nums[:8]))
    return out


def core_busy(before: dict, after: dict) -> dict[str, float]:
    """Busy fraction of each core between two `core_jiffies` snapshots."""
    res = {}
    for core, (busy1, total1) in after.items():
        busy0, total0 = before.get(core, (0, 0))
        res[core] = (busy1 - busy0) / max(1, total1 - total0)
    return res


def settle(pids: list[int], quiet_fraction: float = 0.03, window_s: float = 0.2,
           max_s: float = 8.0) -> float:
    """Wait until these processes use less than `quiet_fraction` of a core over a
    window (work left over from the last run: abandoned requests, flushes).
    Returns the seconds waited."""
    start = time.monotonic()
    while time.monotonic() - start < max_s:
        c0 = cpu_seconds(pids)
        time.sleep(window_s)  # measurement window
        if (cpu_seconds(pids) - c0) / window_s < quiet_fraction:
            break
    return time.monotonic() - start


def foreign_cores(ours: list[int], window_s: float = 0.5) -> float:
    """CPU (in cores) used over a window by processes other than `ours` and
    this one: other people's builds on a shared machine."""
    j0, c0, s0 = core_jiffies(), cpu_seconds(ours), cpu_seconds([os.getpid()])
    time.sleep(window_s)  # measurement window
    j1, c1, s1 = core_jiffies(), cpu_seconds(ours), cpu_seconds([os.getpid()])
    busy = sum(j1[c][0] - j0[c][0] for c in j1) / CLK_TCK
    return max(0.0, busy - (c1 - c0) - (s1 - s0)) / window_s


class QuietWaiter:
    """Waits, within a total budget of seconds, for other load to drop below a
    threshold before a run, so runs happen in the machine's quiet moments."""

    def __init__(self, budget_s: float, threshold: float = 0.10):
        self.budget_s = budget_s
        self.threshold = threshold
        self.spent_s = 0.0

    def wait(self, ours: list[int]) -> float:
        start = time.monotonic()
        load = foreign_cores(ours, 0.3)
        while load >= self.threshold and self.spent_s + (time.monotonic() - start) < self.budget_s:
            load = foreign_cores(ours, 0.5)
        self.spent_s += time.monotonic() - start
        return load
