"""The engine process and its JSON-RPC connection (NDJSON on standard input and output)."""
from __future__ import annotations

import asyncio
import itertools
import json
import os
import signal
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from typing import Any

from ._generated import GeneratedMethods

#: Codes of JSON-RPC 2.0 itself and of the engine (rpc-spec/openrpc.json, RPC-CONTRACT.md).
PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
REQUEST_CANCELLED = -32800
NO_IDENTITY = -32001
NOT_FOUND = -32002
UNREACHABLE = -32003
TOO_LARGE = -32004
CONFLICT = -32005
CRYPTO_FAILURE = -32006

DEFAULT_TIMEOUT = 60.0
# The engine accepts lines up to 16 MiB; read the same with room to spare.
LINE_LIMIT = 32 * 1024 * 1024
REPLAY_PAGE = 1000


class EngineError(Exception):
    """Base class of everything this package raises about the engine."""


class RPCError(EngineError):
    """The engine answered a request with a JSON-RPC error."""

    def __init__(self, code: int, message: str, data: Any = None, method: str | None = None):
        super().__init__(f"{method + ': ' if method else ''}{message} ({code})")
        self.code = code
        self.message = message
        self.data = data
        self.method = method


class EngineFailed(EngineError):
    """The engine could not start: it sent `engine.failed`, exited, or never got ready."""

    def __init__(self, reason: str, returncode: int | None = None):
        super().__init__(reason if returncode is None else f"{reason} (exit code {returncode})")
        self.reason = reason
        self.returncode = returncode


class EngineClosed(EngineError):
    """The engine's output ended (it exited, or was closed) before the answer came."""


@dataclass(frozen=True)
class Notification:
    """One notification from the engine. `seq` is None only for `engine.ready`/`engine.failed`."""

    method: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def seq(self) -> int | None:
        seq = self.params.get("seq")
        return seq if isinstance(seq, int) else None

    def __getitem__(self, key: str) -> Any:
        return self.params[key]


_END = object()  # sentinel put on subscriber queues when the engine's output ends


class _Spawn:
    """What `Engine.spawn` returns: await it, or use it as an async context manager."""

    def __init__(self, args: list[str], stderr: Any, env: dict[str, str] | None, timeout: float):
        self._args, self._stderr, self._env, self._timeout = args, stderr, env, timeout
        self._engine: Engine | None = None

    def __await__(self):
        return Engine._start(self._args, self._stderr, self._env, self._timeout).__await__()

    async def __aenter__(self) -> "Engine":
        self._engine = await Engine._start(self._args, self._stderr, self._env, self._timeout)
        return self._engine

    async def __aexit__(self, *exc: object) -> None:
        if self._engine is not None:
            await self._engine.close()


class Engine(GeneratedMethods):
    """A running `variance-engine`, spawned as a child process.

        async with Engine.spawn(".build/debug/variance-engine", "/tmp/alice") as engine:
            print(engine.ready_params["identity"])
            me = await engine.identity_create(username="alice")
            async for event in engine.events(after=0):
                print(event.seq, event.method, event.params)

    Every method of rpc-spec/openrpc.json is a coroutine (`identity_create`, `node_connect`,
    ...; see `_generated.py`), and `call(method, **params)` sends any request by name.
    """

    def __init__(self, process: asyncio.subprocess.Process, ready: dict[str, Any]):
        self.process = process
        #: The params of `engine.ready`: {version, protocolVersion, identity, did?}.
        self.ready_params: dict[str, Any] = ready
        #: The highest `seq` of any notification received so far (0 if none).
        self.last_seq = 0
        self._ids = itertools.count(1)
        self._pending: dict[int, tuple[str, asyncio.Future]] = {}
        self._subscribers: list[asyncio.Queue] = []
        self._write_lock = asyncio.Lock()
        self._closed = False
        #: Error responses with `id: null` (the engine could not parse something we sent).
        self.protocol_errors: list[dict[str, Any]] = []
        self._reader = asyncio.get_running_loop().create_task(self._read_loop())

    # -- starting and stopping ---------------------------------------------------------
    @staticmethod
    def spawn(engine_path: str | os.PathLike[str], data_dir: str | os.PathLike[str] | None,
              *extra_args: str, stderr: Any = None, env: dict[str, str] | None = None,
              timeout: float = DEFAULT_TIMEOUT) -> _Spawn:
        """Start `engine_path --data-dir data_dir *extra_args` and wait for `engine.ready`.

        `async with Engine.spawn(...) as engine:` closes the engine on exit;
        `engine = await Engine.spawn(...)` leaves that to `await engine.close()`.
        `stderr` is passed to the subprocess (None: inherit ours; the engine logs there).
        Raises EngineFailed if the engine sends `engine.failed`, exits, or is not ready
        within `timeout` seconds.
        """
        args = [os.fspath(engine_path)]
        if data_dir is not None:
            args += ["--data-dir", os.fspath(data_dir)]
        args += [str(a) for a in extra_args]
        return _Spawn(args, stderr, env, timeout)

    @classmethod
    async def _start(cls, args: list[str], stderr: Any, env: dict[str, str] | None,
                     timeout: float) -> "Engine":
        process = await asyncio.create_subprocess_exec(
            *args, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=stderr, env=env, limit=LINE_LIMIT, start_new_session=True)
        try:
            line = await asyncio.wait_for(process.stdout.readline(), timeout)
        except asyncio.TimeoutError:
            await _kill(process)
            raise EngineFailed(f"{args[0]} sent no engine.ready within {timeout:g} s") from None
        except asyncio.CancelledError:
            await asyncio.shield(_kill(process))
            raise
        if not line:
            code = await process.wait()
            raise EngineFailed(f"{args[0]} exited before engine.ready", code)
        try:
            first = json.loads(line)
        except ValueError:
            await _kill(process)
            raise EngineFailed(f"{args[0]} wrote something other than JSON: {line[:200]!r}")
        method = first.get("method") if isinstance(first, dict) else None
        if method == "engine.failed":
            reason = (first.get("params") or {}).get("reason", "engine.failed")
            try:
                code = await asyncio.wait_for(process.wait(), timeout)
            except asyncio.TimeoutError:
                await _kill(process)
                code = None
            raise EngineFailed(reason, code)
        if method != "engine.ready":
            await _kill(process)
            raise EngineFailed(f"expected engine.ready first, got {line[:200]!r}")
        return cls(process, first.get("params") or {})

    async def close(self, timeout: float = DEFAULT_TIMEOUT) -> int:
        """Close the engine's standard input (it finishes what is in flight and exits 0) and
        wait for it to exit; killed if it has not exited within `timeout` seconds.
        Returns the exit code."""
        if not self._closed:
            self._closed = True
            stdin = self.process.stdin
            if stdin is not None and not stdin.is_closing():
                stdin.close()
                try:
                    await stdin.wait_closed()
                except (BrokenPipeError, ConnectionResetError):
                    pass
        try:
            await asyncio.wait_for(self.process.wait(), timeout)
        except asyncio.TimeoutError:
            await _kill(self.process)
        try:
            await asyncio.wait_for(asyncio.shield(self._reader), timeout)
        except asyncio.TimeoutError:
            self._reader.cancel()
        return self.process.returncode

    @property
    def returncode(self) -> int | None:
        return self.process.returncode

    async def __aenter__(self) -> "Engine":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # -- requests ------------------------------------------------------------------------
    async def call(self, method: str, /, **params: Any) -> Any:
        """Send a request, wait for its response and return its `result`.

        Raises RPCError(code, message, data) for an error response, EngineClosed if the
        engine goes away first. Cancelling the awaiting task (e.g. by asyncio.wait_for)
        sends `$/cancelRequest` for it."""
        if self._closed or self._reader.done():
            raise EngineClosed(f"{method}: the engine is closed")
        request_id = next(self._ids)
        request: dict[str, Any] = {"jsonrpc": "2.0", "id": request_id, "method": method}
        if params:
            request["params"] = params
        future = asyncio.get_running_loop().create_future()
        self._pending[request_id] = (method, future)
        try:
            await self._send(request)
            return await future
        except asyncio.CancelledError:
            # Cancelling this task cancelled `future` too; unless an answer had come, tell
            # the engine, which then stops the work and answers -32800 (ignored here).
            answered = future.done() and not future.cancelled()
            if not answered and not self._closed and not self._reader.done():
                try:
                    await asyncio.shield(self.notify("$/cancelRequest", id=request_id))
                except (EngineError, OSError):
                    pass
            raise
        finally:
            self._pending.pop(request_id, None)

    async def notify(self, method: str, /, **params: Any) -> None:
        """Send a notification (a request without id; the engine does not answer)."""
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params:
            message["params"] = params
        await self._send(message)

    async def _send(self, message: Any) -> None:
        data = json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode() + b"\n"
        async with self._write_lock:
            stdin = self.process.stdin
            if stdin is None or stdin.is_closing():
                raise EngineClosed("the engine's standard input is closed")
            try:
                stdin.write(data)
                await stdin.drain()
            except (BrokenPipeError, ConnectionResetError) as e:
                raise EngineClosed(f"the engine has exited: {e}") from None

    # -- reading -------------------------------------------------------------------------
    async def _read_loop(self) -> None:
        stdout = self.process.stdout
        try:
            while True:
                line = await stdout.readline()
                if not line:
                    break
                try:
                    message = json.loads(line)
                except ValueError:
                    self.protocol_errors.append({"message": "not JSON", "line": line[:200]})
                    continue
                for item in message if isinstance(message, list) else [message]:
                    if isinstance(item, dict):
                        self._dispatch(item)
        except (asyncio.LimitOverrunError, ValueError) as e:
            self.protocol_errors.append({"message": f"unreadable output: {e}"})
        finally:
            for method, future in list(self._pending.values()):
                if not future.done():
                    future.set_exception(EngineClosed(f"{method}: the engine exited before answering"))
            for queue in self._subscribers:
                queue.put_nowait(_END)

    def _dispatch(self, message: dict[str, Any]) -> None:
        if "id" in message and ("result" in message or "error" in message):
            entry = self._pending.get(message["id"])
            if entry is None:
                if message["id"] is None:
                    self.protocol_errors.append(message.get("error") or message)
                return
            method, future = entry
            if future.done():
                return
            if "error" in message:
                error = message["error"] or {}
                future.set_exception(RPCError(error.get("code", INTERNAL_ERROR),
                                              error.get("message", ""), error.get("data"), method))
            else:
                future.set_result(message.get("result"))
        elif "method" in message and "id" not in message:
            params = message.get("params")
            note = Notification(message["method"], params if isinstance(params, dict) else {})
            if note.seq is not None and note.seq > self.last_seq:
                self.last_seq = note.seq
            for queue in self._subscribers:
                queue.put_nowait(note)

    # -- events --------------------------------------------------------------------------
    async def events(self, after: int = 0, *, kinds: Iterable[str] | None = None,
                     follow: bool = True) -> AsyncIterator[Notification]:
        """The notifications with seq greater than `after`, oldest first, without gaps or
        duplicates: first those persisted (`events.replay`), then live ones.

        A frontend that restarts passes the last seq it handled and misses nothing. When the
        identity is locked or absent the engine cannot replay yet; the iterator then waits,
        and fills the gap from `events.replay` as soon as a live event shows one (e.g. the
        `identity.changed` of `identity.unlock`). `kinds` keeps only those notification
        names (client side; `events.subscribe` narrows what the engine pushes, for all
        listeners). With `follow=False` it stops after the persisted events. It ends when
        the engine's output ends."""
        wanted = set(kinds) if kinds is not None else None
        queue: asyncio.Queue = asyncio.Queue()
        self._subscribers.append(queue)  # before replaying, so nothing falls in between
        if self._reader.done():
            queue.put_nowait(_END)
        cursor = after
        try:
            replayed, ok = await self._replay(cursor)
            for note in replayed:
                cursor = note.seq
                if wanted is None or note.method in wanted:
                    yield note
            if not follow and ok:
                return
            if not follow:
                raise RPCError(NO_IDENTITY, "events.replay is unavailable until the identity is unlocked")
            while True:
                note = await queue.get()
                if note is _END:
                    return
                seq = note.seq
                if seq is None:
                    if wanted is None or note.method in wanted:
                        yield note
                    continue
                if seq <= cursor:
                    continue  # already yielded (replay and live overlap)
                if seq > cursor + 1:
                    # A gap: events persisted while we could not replay, or filtered out by
                    # events.subscribe. The replay brings them in order, this one included.
                    replayed, _ = await self._replay(cursor)
                    for missed in replayed:
                        if missed.seq > seq:
                            break
                        cursor = missed.seq
                        if wanted is None or missed.method in wanted:
                            yield missed
                    if seq <= cursor:
                        continue
                cursor = seq
                if wanted is None or note.method in wanted:
                    yield note
        finally:
            if queue in self._subscribers:
                self._subscribers.remove(queue)

    async def _replay(self, after: int) -> tuple[list[Notification], bool]:
        """Every persisted event after `after`; ([], False) if the engine cannot replay now
        (no identity, or locked)."""
        out: list[Notification] = []
        cursor = after
        while True:
            try:
                page = await self.events_replay(after=cursor, limit=REPLAY_PAGE)
            except RPCError as e:
                if e.code == NO_IDENTITY:
                    return out, False
                raise
            events = page.get("events") or []
            for event in events:
                if event["seq"] > cursor:
                    out.append(Notification(event["method"], event.get("params") or {}))
                    cursor = event["seq"]
            if not events or cursor >= page.get("last", cursor):
                return out, True


async def _kill(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        try:
            process.send_signal(signal.SIGKILL)
        except ProcessLookupError:
            pass
        await process.wait()
