"""variance_client: spawn `variance-engine` and talk JSON-RPC 2.0 to it with asyncio.

    import asyncio
    from variance_client import Engine

    async def main():
        async with Engine.spawn(".build/debug/variance-engine", "/tmp/alice") as engine:
            me = await engine.identity_create(username="alice")
            print(me["did"])

    asyncio.run(main())

No dependencies beyond the standard library (Python 3.11+).
"""
from ._client import (
    CONFLICT,
    CRYPTO_FAILURE,
    INTERNAL_ERROR,
    INVALID_PARAMS,
    INVALID_REQUEST,
    METHOD_NOT_FOUND,
    NO_IDENTITY,
    NOT_FOUND,
    PARSE_ERROR,
    REQUEST_CANCELLED,
    TOO_LARGE,
    UNREACHABLE,
    Engine,
    EngineClosed,
    EngineError,
    EngineFailed,
    Notification,
    RPCError,
)
from ._generated import ERROR_CODES, METHODS, NOTIFICATIONS, SPEC_VERSION

__version__ = "0.1.0"

__all__ = [
    "Engine", "Notification", "EngineError", "EngineFailed", "EngineClosed", "RPCError",
    "METHODS", "NOTIFICATIONS", "ERROR_CODES", "SPEC_VERSION",
    "PARSE_ERROR", "INVALID_REQUEST", "METHOD_NOT_FOUND", "INVALID_PARAMS", "INTERNAL_ERROR",
    "REQUEST_CANCELLED", "NO_IDENTITY", "NOT_FOUND", "UNREACHABLE", "TOO_LARGE", "CONFLICT",
    "CRYPTO_FAILURE",
]
