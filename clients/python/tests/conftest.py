"""Test set-up: async tests without plugins, and the engine binary under test.

An `async def test_...` runs in a fresh event loop via asyncio.run, bounded by
TEST_TIMEOUT seconds so that a hang fails the test instead of blocking the suite.
The engine is $VARIANCE_ENGINE, else .build/debug/variance-engine in the repository.
"""
from __future__ import annotations

import asyncio
import inspect
import os
import sys
from pathlib import Path

import pytest

CLIENT_DIR = Path(__file__).resolve().parent.parent
REPO_ROOT = CLIENT_DIR.parent.parent
SPEC_PATH = REPO_ROOT / "rpc-spec" / "openrpc.json"
TEST_TIMEOUT = float(os.environ.get("VARIANCE_TEST_TIMEOUT", "180"))

sys.path.insert(0, str(CLIENT_DIR))


def engine_binary() -> Path:
    configured = os.environ.get("VARIANCE_ENGINE")
    path = Path(configured) if configured else REPO_ROOT / ".build" / "debug" / "variance-engine"
    if not path.is_absolute():
        path = REPO_ROOT / path
    return path


@pytest.fixture(scope="session")
def engine_path() -> Path:
    path = engine_binary()
    if not os.access(path, os.X_OK):
        pytest.fail(f"no engine at {path}: build it (swift build --product variance-engine) "
                    "or set VARIANCE_ENGINE", pytrace=False)
    return path


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    if inspect.iscoroutinefunction(pyfuncitem.obj):
        names = pyfuncitem._fixtureinfo.argnames
        kwargs = {name: pyfuncitem.funcargs[name] for name in names}

        async def bounded():
            try:
                await asyncio.wait_for(pyfuncitem.obj(**kwargs), TEST_TIMEOUT)
            except asyncio.TimeoutError:
                pytest.fail(f"timed out after {TEST_TIMEOUT:g} s")

        asyncio.run(bounded())
        return True
    return None
