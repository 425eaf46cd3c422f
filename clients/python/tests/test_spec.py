"""The client against rpc-spec/openrpc.json: the same methods, params, notifications, errors."""
from __future__ import annotations

import inspect
import json

import pytest

import gen_methods  # clients/python, on sys.path through conftest.py
import variance_client
from conftest import CLIENT_DIR, SPEC_PATH
from variance_client import Engine, _generated


@pytest.fixture(scope="module")
def spec() -> dict:
    return json.loads(SPEC_PATH.read_text(encoding="utf-8"))


def test_generated_module_is_current(spec):
    current = (CLIENT_DIR / "variance_client" / "_generated.py").read_text(encoding="utf-8")
    assert current == gen_methods.generate(spec), (
        "variance_client/_generated.py is stale: run python3 clients/python/gen_methods.py")


def test_client_methods_are_the_documents(spec):
    documented = [m["name"] for m in spec["methods"]]
    assert sorted(variance_client.METHODS) == sorted(documented)
    generated = sorted(name for name, value in vars(_generated.GeneratedMethods).items()
                       if inspect.iscoroutinefunction(value) and name != "call")
    assert generated == sorted(variance_client.METHODS.values())
    for wire, attr in variance_client.METHODS.items():
        # Not shadowed by one of Engine's own attributes (call, events, close, ...).
        assert getattr(Engine, attr) is getattr(_generated.GeneratedMethods, attr), wire


def test_method_params_are_the_documents(spec):
    for method in spec["methods"]:
        function = getattr(Engine, variance_client.METHODS[method["name"]])
        params = list(inspect.signature(function).parameters.values())[1:]
        assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params), method["name"]
        documented = {gen_methods.snake(p["name"]): bool(p.get("required"))
                      for p in method.get("params", [])}
        actual = {p.name: p.default is inspect.Parameter.empty for p in params}
        assert actual == documented, method["name"]


def test_notifications_and_errors_are_the_documents(spec):
    assert list(variance_client.NOTIFICATIONS) == [n["name"] for n in spec["x-notifications"]]
    errors = {name: e["code"] for name, e in spec["components"]["errors"].items()}
    assert variance_client.ERROR_CODES == errors
    constants = {"NoIdentity": "NO_IDENTITY", "NotFound": "NOT_FOUND",
                 "Unreachable": "UNREACHABLE", "TooLarge": "TOO_LARGE", "Conflict": "CONFLICT",
                 "CryptoFailure": "CRYPTO_FAILURE", "InvalidParams": "INVALID_PARAMS"}
    for name, code in errors.items():
        assert getattr(variance_client, constants[name]) == code, name


async def test_engine_serves_the_clients_methods(engine_path, tmp_path, spec):
    async with Engine.spawn(engine_path, tmp_path / "d") as engine:
        discovered = await engine.rpc_discover()
    assert sorted(m["name"] for m in discovered["methods"]) == sorted(variance_client.METHODS)
    assert discovered["info"]["version"] == spec["info"]["version"]
