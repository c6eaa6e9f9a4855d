"""Fixtures: one shared stack for the session, plus helpers. On any failing
test the logs of every child (Envoy, mocks, accounting) are printed."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).parent))

import stack as stack_mod  # noqa: E402

_STACKS: list[stack_mod.Stack] = []


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    s = stack_mod.start_stack(tmp_path_factory.mktemp("stack"))
    _STACKS.append(s)
    yield s
    _STACKS.remove(s)
    s.stop()


@pytest.fixture(scope="module")
def own_stack(tmp_path_factory):
    """A stack of the module's own, for tests that change its configuration."""
    s = stack_mod.start_stack(tmp_path_factory.mktemp("own-stack"))
    _STACKS.append(s)
    yield s
    _STACKS.remove(s)
    s.stop()


@pytest.fixture(scope="session")
def client(stack):
    with httpx.Client(base_url=stack.base_url, timeout=30.0) as c:
        yield c


@pytest.fixture()
def auth():
    return {"Authorization": f"Bearer {stack_mod.DEMO_KEY}"}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed and _STACKS:
        report.sections.append(("stack logs", "\n".join(s.logs() for s in _STACKS)))


def mock_requests(stack, name: str) -> list[dict]:
    r = httpx.get(f"{stack.url_of(name)}/_mock/requests", timeout=5)
    r.raise_for_status()
    return r.json()["requests"]


def clear_mocks(stack) -> None:
    for name in ("mock-openai", "mock-anthropic", "mock-gemini", "mock-bedrock"):
        httpx.delete(f"{stack.url_of(name)}/_mock/requests", timeout=5).raise_for_status()


def wait_for(predicate, what: str, timeout: float = 15.0, interval: float = 0.05):
    """Poll an observable condition until it holds; fail with `what` otherwise."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what} (last: {last!r})")
