#!/usr/bin/env python3
"""py-libp2p 0.8.1 peer for `variance-bench libp2p` (issue 3, point 10).

The same workloads as the Swift peer (`variance-bench libp2p --serve` / `--client`), with
the same line protocol, so that the benchmark drives both alike:

  pybench.py serve
      A host (TCP on 127.0.0.1, Noise, yamux only) with the sink handler on
      /variance/bench/sink/1.0.0 (reads and discards to the end of the stream, then writes
      the byte count as 8 bytes big-endian and closes) beside py-libp2p's own
      /ipfs/ping/1.0.0. Prints {"event": "listening", "addr": <full multiaddr with /p2p>,
      "pid": ...}, then answers commands on stdin, one JSON line each, until stdin closes:
        conns            {"event": "conns", "count": <open connections>, ...}, with
                         the resource manager's counters and the inbound slots taken
  pybench.py client [--timeout S] [--hosts N]
      Starts N dialling hosts (8), prints {"event": "ready", ...}, then answers commands
      on stdin, one JSON line each, until stdin closes:
        setups ADDR COUNT CONCURRENCY
            COUNT connection set-ups (TCP + Noise + yamux, until the connection is started,
            as host.connect waits for), each closed at once in the background, CONCURRENCY
            in flight (one host per worker; see Client.setups).
            {"event": "setups", "ns": <wall time>, "latency_ns": [...], "failures": n}
        ping ADDR COUNT WARMUP
            One connection, one /ipfs/ping/1.0.0 stream: WARMUP pings, then COUNT timed.
            {"event": "ping", "rtt_ns": [...]}
        sink ADDR BYTES CHUNK
            One connection, one sink stream: BYTES written in CHUNK-byte writes, our side
            closed, until the 8-byte count comes back. {"event": "sink", "bytes": n, "ns": t}
  pybench.py chacha [SECONDS]
      ChaCha20-Poly1305 (the `cryptography` package, OpenSSL: what py-libp2p's Noise uses)
      on 64 KiB buffers: {"event": "chacha", "seal_mb_per_s": [...], "open_mb_per_s": [...]}

An answer with "error" reports a failed command; the peer stays usable. stdout carries only
these JSON lines; logs go to stderr. Everything stays on 127.0.0.1, and every command is
bounded (trio.fail_after, --timeout seconds).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from contextlib import AsyncExitStack
from typing import Any

import multiaddr
import trio

import libp2p
import libp2p.network.swarm as _swarm_module
from libp2p.crypto.ed25519 import create_new_key_pair as create_ed25519_key_pair
from libp2p.crypto.x25519 import create_new_key_pair as create_x25519_key_pair
from libp2p.custom_types import TProtocol
from libp2p.io.utils import read_exactly
from libp2p.network.config import ConnectionConfig
from libp2p.network.stream.exceptions import StreamEOF
from libp2p.peer.peerinfo import info_from_p2p_addr
from libp2p.rcmgr.connection_limits import ConnectionLimits
from libp2p.rcmgr.manager import ResourceManager
from libp2p.security.noise.transport import PROTOCOL_ID as NOISE_ID
from libp2p.security.noise.transport import Transport as NoiseTransport
from libp2p.stream_muxer.yamux.yamux import PROTOCOL_ID as YAMUX_ID
from libp2p.stream_muxer.yamux.yamux import Yamux

# py-libp2p waits 250 ms before each dial ("happy eyeballs"); with one loopback address
# that is pure idle time, and it would cap set-ups at 4 per second. Off, as in pyhost.py.
if hasattr(_swarm_module, "_HAPPY_EYEBALLS_DELAY"):
    _swarm_module._HAPPY_EYEBALLS_DELAY = 0

SINK = TProtocol("/variance/bench/sink/1.0.0")
PING = TProtocol("/ipfs/ping/1.0.0")
LISTEN = "/ip4/127.0.0.1/tcp/0"
READ_CHUNK = 1 << 20

log = logging.getLogger("pybench")


def emit(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def make_host() -> Any:
    key_pair = create_ed25519_key_pair()
    noise = NoiseTransport(key_pair, noise_privkey=create_x25519_key_pair().private_key)
    # The benchmark opens and closes hundreds of connections from a few peers; the default
    # limits (3 or 8 per peer, pruning above 200) are for a node on the open network.
    # Connections closing in the background still count (py-libp2p forgets one 0.1-0.2 s
    # after its close starts), so the per-peer limits are raised, and the resource
    # manager's per-peer rate limit (10 new connections/s, bursts of 50) is off; otherwise
    # new_resource_manager's defaults. max_connections is 2^30 because py-libp2p 0.8.1 sizes
    # its inbound limiter (Swarm._inbound_limiter) from it and never gives a slot back: after
    # max_connections - min_connections inbound connections in all, open or long closed,
    # it refuses every new one (`conns` reports the slots taken).
    config = ConnectionConfig(max_connections=1 << 30, high_watermark=1 << 30, low_watermark=0,
                              min_connections=0, max_connections_per_peer=4096)
    limits = ConnectionLimits(
        max_pending_inbound=256, max_pending_outbound=256, max_established_inbound=4096,
        max_established_outbound=4096, max_established_per_peer=4096, max_established_total=8192)
    return libp2p.new_host(
        key_pair=key_pair,
        sec_opt={NOISE_ID: noise},
        muxer_opt={TProtocol(YAMUX_ID): Yamux},
        listen_addrs=[multiaddr.Multiaddr(LISTEN)],
        connection_config=config,
        resource_manager=ResourceManager(
            connection_limits=limits, enable_memory_pooling=True, enable_rate_limiting=False),
    )


async def stdin_lines() -> Any:
    """The lines of stdin, as they come, until it closes."""
    stdin = trio.lowlevel.FdStream(os.dup(sys.stdin.fileno()))
    buffered = b""
    try:
        while True:
            data = await stdin.receive_some(4096)
            if not data:
                break
            buffered += data
            while b"\n" in buffered:
                line, buffered = buffered.split(b"\n", 1)
                yield line.decode().strip()
    finally:
        await stdin.aclose()


def connection_count(host: Any) -> int:
    return sum(len(conns) for conns in host.get_network().connections.values())


def resource_counts(host: Any) -> dict[str, int]:
    """What the resource manager believes is open (its counters, for diagnosis)."""
    manager = getattr(host.get_network(), "_resource_manager", None)
    counts = {}
    limiter = getattr(host.get_network(), "_inbound_limiter", None)
    if limiter is not None:
        counts["inbound_slots_taken"] = int(limiter.borrowed_tokens)
    for name in ("connections", "streams", "memory"):
        value = getattr(manager, f"_current_{name}", None)
        if isinstance(value, int):
            counts[f"rcmgr_{name}"] = value
    return counts


# MARK: serve


async def sink_handler(stream: Any) -> None:
    total = 0
    try:
        while True:
            try:
                data = await stream.read(READ_CHUNK)
            except StreamEOF:
                break
            if not data:
                break
            total += len(data)
        await stream.write(total.to_bytes(8, "big"))
        await stream.close()
    except Exception as error:  # noqa: BLE001 - a client that vanished
        log.debug("sink stream ended: %r", error)
        try:
            await stream.reset()
        except Exception:  # noqa: BLE001
            pass


async def run_serve() -> int:
    host = make_host()
    host.set_stream_handler(SINK, sink_handler)
    async with host.run(listen_addrs=[multiaddr.Multiaddr(LISTEN)]):
        addr = str(host.get_addrs()[0])
        emit({"event": "listening", "addr": addr, "peer": str(host.get_id()), "pid": os.getpid()})
        async for line in stdin_lines():
            if line == "conns":
                emit({"event": "conns", "count": connection_count(host), **resource_counts(host)})
            elif line:
                emit({"event": "error", "error": f"unknown command {line!r}"})
        with trio.move_on_after(5):
            await host.close()
    return 0


# MARK: client


class Client:
    def __init__(self, hosts: list[Any]) -> None:
        self.hosts = hosts

    async def setups(self, addr: str, count: int, concurrency: int) -> dict[str, Any]:
        """COUNT set-ups, CONCURRENCY in flight, one host per worker.

        A set-up is what host.connect does for a peer we are not connected to: dial_peer
        (TCP, multistream, Noise, multistream, yamux), wait until the connection is started,
        schedule identify. host.connect itself is not called, because it returns at once
        while the previous connection to the peer is still closing: py-libp2p's close
        sleeps 0.1 s in Yamux.close and only then forgets the connection. The close is
        started at once, in the background (it is marked closed before its first await, so
        the next dial_peer makes a new connection), and the command waits for all closes
        after the timed part.
        """
        if concurrency > len(self.hosts):
            raise ValueError(f"{concurrency} in flight, but only {len(self.hosts)} hosts (--hosts)")
        info = info_from_p2p_addr(multiaddr.Multiaddr(addr))
        peer = info.peer_id
        hosts = self.hosts[:concurrency]
        for host in hosts:
            host.get_peerstore().add_addrs(peer, info.addrs, 3600)
        latencies: list[int] = []
        failures: list[str] = []
        remaining = [count]

        async def worker(host: Any, closing: trio.Nursery) -> None:
            network = host.get_network()
            while remaining[0] > 0:
                remaining[0] -= 1
                start = time.perf_counter_ns()
                try:
                    conns = [c for c in await network.dial_peer(peer) if not c.is_closed]
                    conn = conns[0]
                    started = getattr(conn, "event_started", None)
                    if started is not None:
                        await started.wait()
                    latencies.append(time.perf_counter_ns() - start)
                    if hasattr(host, "_schedule_identify"):
                        host._schedule_identify(peer, reason="connect")
                    closing.start_soon(conn.close)
                    # SwarmConn.close marks the connection closed before its first await;
                    # let it get that far, or the next dial_peer would reuse it.
                    while not conn.is_closed:
                        await trio.sleep(0)
                except Exception as error:  # noqa: BLE001 - counted and reported
                    failures.append(f"{type(error).__name__}: {error}")
                    await host.disconnect(peer)

        async with trio.open_nursery() as closing:
            start = time.perf_counter_ns()
            async with trio.open_nursery() as nursery:
                for host in hosts:
                    nursery.start_soon(worker, host, closing)
            elapsed = time.perf_counter_ns() - start
        result: dict[str, Any] = {"event": "setups", "count": count, "concurrency": concurrency,
                                  "ns": elapsed, "latency_ns": latencies, "failures": len(failures)}
        if failures:
            result["first_failure"] = failures[0]
        return result

    async def connected(self, addr: str) -> tuple[Any, Any]:
        host = self.hosts[0]
        info = info_from_p2p_addr(multiaddr.Multiaddr(addr))
        await host.connect(info)
        return host, info.peer_id

    async def ping(self, addr: str, count: int, warmup: int) -> dict[str, Any]:
        host, peer = await self.connected(addr)
        try:
            stream = await host.new_stream(peer, [PING])
            rtts: list[int] = []
            for i in range(warmup + count):
                payload = os.urandom(32)
                start = time.perf_counter_ns()
                await stream.write(payload)
                echoed = await read_exactly(stream, 32)
                rtt = time.perf_counter_ns() - start
                if echoed != payload:
                    raise AssertionError("a pong did not match its ping")
                if i >= warmup:
                    rtts.append(rtt)
            await stream.close()
        finally:
            await host.disconnect(peer)
        return {"event": "ping", "count": count, "warmup": warmup, "rtt_ns": rtts}

    async def sink(self, addr: str, size: int, chunk: int) -> dict[str, Any]:
        host, peer = await self.connected(addr)
        try:
            stream = await host.new_stream(peer, [SINK])
            block = os.urandom(chunk)
            start = time.perf_counter_ns()
            sent = 0
            while sent < size:
                piece = block if size - sent >= chunk else block[: size - sent]
                await stream.write(piece)
                sent += len(piece)
            await stream.close_write()
            ack = await read_exactly(stream, 8)
            elapsed = time.perf_counter_ns() - start
            await stream.close()
        finally:
            await host.disconnect(peer)
        received = int.from_bytes(ack, "big")
        if received != size:
            raise AssertionError(f"the sink counted {received} bytes of {size}")
        return {"event": "sink", "bytes": size, "chunk": chunk, "ns": elapsed}


async def run_client(timeout: float, host_count: int) -> int:
    async with AsyncExitStack() as stack:
        hosts = []
        for _ in range(host_count):
            host = make_host()
            await stack.enter_async_context(host.run(listen_addrs=[multiaddr.Multiaddr(LISTEN)]))
            hosts.append(host)
        client = Client(hosts)
        emit({"event": "ready", "hosts": host_count, "pid": os.getpid()})
        async for line in stdin_lines():
            words = line.split()
            if not words:
                continue
            try:
                with trio.fail_after(timeout):
                    if words[0] == "setups" and len(words) == 4:
                        emit(await client.setups(words[1], int(words[2]), int(words[3])))
                    elif words[0] == "ping" and len(words) == 4:
                        emit(await client.ping(words[1], int(words[2]), int(words[3])))
                    elif words[0] == "sink" and len(words) == 4:
                        emit(await client.sink(words[1], int(words[2]), int(words[3])))
                    else:
                        emit({"event": "error", "error": f"unknown command {line!r}"})
            except Exception as error:  # noqa: BLE001 - reported to the benchmark
                log.error("command %r failed: %r", line, error)
                emit({"event": "error", "command": words[0], "error": f"{type(error).__name__}: {error}"})
        with trio.move_on_after(5):
            for host in client.hosts:
                await host.close()
    return 0


# MARK: chacha


def run_chacha(seconds: float) -> int:
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

    aead = ChaCha20Poly1305(ChaCha20Poly1305.generate_key())
    nonce = bytes(12)
    block = os.urandom(64 * 1024)
    sealed = aead.encrypt(nonce, block, None)
    results: dict[str, list[float]] = {"seal_mb_per_s": [], "open_mb_per_s": []}
    for _ in range(5):
        for name, call in (("seal_mb_per_s", lambda: aead.encrypt(nonce, block, None)),
                           ("open_mb_per_s", lambda: aead.decrypt(nonce, sealed, None))):
            n, start = 0, time.perf_counter()
            while True:
                for _ in range(16):
                    call()
                n += 16
                elapsed = time.perf_counter() - start
                if elapsed >= seconds / 10:
                    break
            results[name].append(n * len(block) / elapsed / 1e6)
    emit({"event": "chacha", **results})
    return 0


def main(argv: list[str]) -> int:
    logging.basicConfig(
        stream=sys.stderr, level=os.environ.get("PYBENCH_LOG", "CRITICAL"),
        format="pybench %(levelname)s %(name)s: %(message)s")
    if len(argv) == 2 and argv[1] == "serve":
        return trio.run(run_serve)
    if len(argv) >= 2 and argv[1] == "client":
        options = dict(zip(argv[2::2], argv[3::2]))
        if len(argv) % 2 == 1 or not set(options) <= {"--timeout", "--hosts"}:
            sys.stderr.write(__doc__ or "")
            return 2
        return trio.run(run_client, float(options.get("--timeout", 120)), int(options.get("--hosts", 8)))
    if len(argv) in (2, 3) and argv[1] == "chacha":
        return run_chacha(float(argv[2]) if len(argv) == 3 else 2.0)
    sys.stderr.write(__doc__ or "")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
