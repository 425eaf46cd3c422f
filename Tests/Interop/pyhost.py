#!/usr/bin/env python3
"""py-libp2p 0.8.1 peer for the Swift libp2p interop tests (PyLibp2pInteropTests).

Modes:
  pyhost.py listen
      Starts a host (TCP on 127.0.0.1, Noise, yamux only) with an echo handler on
      /test/echo/1.0.0 and prints one JSON line: {"event": "listening", "peer": ...,
      "addrs": [...full multiaddrs with /p2p/...]}. Then reads commands on stdin, one per
      line, answering each with one JSON line, and exits when stdin closes:
        identify <peer>  asks the (connected) peer who it is over /ipfs/id/1.0.0
        peers            the peers we are connected to
  pyhost.py kad
      A KadDHT server peer driven by commands on stdin: see Tests/Interop/kad_peer.py.
  pyhost.py gossip
      A GossipSub peer driven by commands on stdin: see Tests/Interop/gossip_peer.py.
  pyhost.py dial <multiaddr> [--hold]
      Dials the Swift node and runs the checks (identify, 100 pings, 10 MB echo, 20
      concurrent echo streams, an unsupported protocol refused, the connection usable
      after, an identify push taken and its stream closed). Prints one JSON line {"event": "result", "ok": ..., "checks": {...}}; exits
      0 if every check passed, 1 otherwise. With --hold it stays connected after the
      result line until stdin closes (at most 60 s), so the other side can look at the
      connection before it goes.

stdout carries only those JSON lines; logs go to stderr. Everything stays on 127.0.0.1,
and every wait is bounded (trio.fail_after).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import sys
import time
import traceback
from typing import Any

import multiaddr
import trio

import libp2p
import libp2p.network.swarm as _swarm_module
from libp2p.crypto.serialization import deserialize_public_key
from libp2p.crypto.ed25519 import create_new_key_pair as create_ed25519_key_pair
from libp2p.crypto.x25519 import create_new_key_pair as create_x25519_key_pair
from libp2p.custom_types import TProtocol
from libp2p.identity.identify.identify import ID as IDENTIFY_ID
from libp2p.identity.identify.identify import _mk_identify_protobuf
from libp2p.identity.identify_push.identify_push import ID_PUSH as IDENTIFY_PUSH_ID
from libp2p.identity.identify.pb.identify_pb2 import Identify
from libp2p.io.utils import read_exactly
from libp2p.network.stream.exceptions import StreamEOF
from libp2p.peer.id import ID as PeerID
from libp2p.peer.peerinfo import info_from_p2p_addr
from libp2p.security.noise.transport import PROTOCOL_ID as NOISE_ID
from libp2p.security.noise.transport import Transport as NoiseTransport
from libp2p.stream_muxer.yamux.yamux import PROTOCOL_ID as YAMUX_ID
from libp2p.stream_muxer.yamux.yamux import Yamux
from libp2p.utils.varint import encode_uvarint

# py-libp2p waits 250 ms before each dial ("happy eyeballs"); on loopback that only
# slows the tests down.
if hasattr(_swarm_module, "_HAPPY_EYEBALLS_DELAY"):
    _swarm_module._HAPPY_EYEBALLS_DELAY = 0

ECHO = TProtocol("/test/echo/1.0.0")
PING = TProtocol("/ipfs/ping/1.0.0")
MISSING = TProtocol("/variance/interop/absent/1.0.0")
# Registered only just before an identify push, so the push carries news.
PUSHED = TProtocol("/test/pushed/1.0.0")
LISTEN = "/ip4/127.0.0.1/tcp/0"
CHUNK = 64 * 1024
TIMEOUT = 60  # seconds, for any one check
# The agent the dialled node must announce (py-libp2p/ to try the driver against itself).
EXPECTED_AGENT = os.environ.get("PYHOST_EXPECT_AGENT", "variance/")

log = logging.getLogger("pyhost")


def emit(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj, sort_keys=True) + "\n")
    sys.stdout.flush()


def make_host() -> Any:
    key_pair = create_ed25519_key_pair()
    noise = NoiseTransport(key_pair, noise_privkey=create_x25519_key_pair().private_key)
    return libp2p.new_host(
        key_pair=key_pair,
        sec_opt={NOISE_ID: noise},
        muxer_opt={TProtocol(YAMUX_ID): Yamux},
        listen_addrs=[multiaddr.Multiaddr(LISTEN)],
    )


async def read_some(stream: Any, n: int = CHUNK) -> bytes:
    """Up to n bytes; b"" at end of stream."""
    try:
        return await stream.read(n)
    except StreamEOF:
        return b""


async def echo_handler(stream: Any) -> None:
    """Echoes everything until the peer half-closes, then half-closes too."""
    try:
        with trio.fail_after(TIMEOUT):
            while True:
                data = await read_some(stream)
                if not data:
                    break
                await stream.write(data)
            await stream.close_write()
    except BaseException as error:  # noqa: BLE001 - a vanished peer is expected here
        log.debug("echo stream ended: %r", error)
        try:
            await stream.reset()
        except Exception:  # noqa: BLE001
            pass
        if not isinstance(error, Exception):
            raise


async def read_uvarint(stream: Any) -> int:
    value, shift = 0, 0
    for _ in range(10):
        byte = (await read_exactly(stream, 1))[0]
        value |= (byte & 0x7F) << shift
        if byte & 0x80 == 0:
            return value
        shift += 7
    raise ValueError("uvarint too long")


def addr_text(raw: bytes) -> str:
    try:
        return str(multiaddr.Multiaddr(raw))
    except Exception:  # noqa: BLE001
        return "<undecodable " + raw.hex() + ">"


# MARK: listen


async def run_listen() -> int:
    host = make_host()
    host.set_stream_handler(ECHO, echo_handler)
    async with host.run(listen_addrs=[multiaddr.Multiaddr(LISTEN)]):
        addrs = [str(a) for a in host.get_addrs()]
        emit({"event": "listening", "peer": str(host.get_id()), "addrs": addrs})
        stdin = trio.lowlevel.FdStream(os.dup(sys.stdin.fileno()))
        buffered = b""
        while True:
            data = await stdin.receive_some(4096)
            if not data:
                break
            buffered += data
            while b"\n" in buffered:
                line, buffered = buffered.split(b"\n", 1)
                await answer(host, line.decode().strip())
        await stdin.aclose()
    return 0


async def answer(host: Any, line: str) -> None:
    words = line.split()
    if not words:
        return
    if words[0] == "identify" and len(words) == 2:
        try:
            with trio.fail_after(TIMEOUT):
                details = await identify_peer(host, PeerID.from_base58(words[1]))
            emit({"event": "identify", "peer": words[1], "ok": True, **details})
        except Exception as error:  # noqa: BLE001 - reported to the test
            emit({"event": "identify", "peer": words[1], "ok": False, "error": f"{type(error).__name__}: {error}"})
    elif words[0] == "peers":
        emit({"event": "peers", "peers": [str(p) for p in host.get_connected_peers()]})
    else:
        emit({"event": "error", "error": f"unknown command {line!r}"})


# MARK: dial


class Checks:
    def __init__(self) -> None:
        self.results: dict[str, dict[str, Any]] = {}

    async def run(self, name: str, check: Any, *args: Any) -> bool:
        start = time.perf_counter()
        try:
            with trio.fail_after(TIMEOUT):
                details = await check(*args) or {}
            ok = True
        except Exception as error:  # noqa: BLE001 - reported, not raised
            log.error("check %s failed:\n%s", name, traceback.format_exc())
            details, ok = {"error": f"{type(error).__name__}: {error}"}, False
        details["ok"] = ok
        details["ms"] = round((time.perf_counter() - start) * 1000, 3)
        self.results[name] = details
        return ok


async def identify_peer(host: Any, peer: PeerID) -> dict[str, Any]:
    """Opens an identify stream and decodes what the peer says about itself."""
    stream = await host.new_stream(peer, [IDENTIFY_ID])
    length = await read_uvarint(stream)
    if length > 64 * 1024:
        raise ValueError(f"identify message of {length} bytes")
    message = Identify()
    message.ParseFromString(await read_exactly(stream, length))
    await stream.close()
    protocols = list(message.protocols)
    listen = [addr_text(a) for a in message.listen_addrs]
    key_matches = PeerID.from_pubkey(
        deserialize_public_key(message.public_key)
    ) == peer if message.HasField("public_key") else False
    details = {
        "agent": message.agent_version,
        "protocol_version": message.protocol_version,
        "protocols": protocols,
        "listen_addrs": listen,
        "observed_addr": addr_text(message.observed_addr) if message.HasField("observed_addr") else None,
        "public_key_matches_peer": key_matches,
    }
    return details


async def check_identify(host: Any, peer: PeerID) -> dict[str, Any]:
    details = await identify_peer(host, peer)
    protocols, listen = details["protocols"], details["listen_addrs"]
    key_matches = details["public_key_matches_peer"]
    problems = []
    if not details["agent"].startswith(EXPECTED_AGENT):
        problems.append(f"agent {details['agent']!r}")
    for needed in (ECHO, PING, IDENTIFY_ID):
        if needed not in protocols:
            problems.append(f"{needed} not listed")
    if not listen:
        problems.append("no listen addrs")
    if not key_matches:
        problems.append("public key missing or not the peer's")
    if problems:
        raise AssertionError("; ".join(problems) + f" in {details}")
    return details


async def check_pings(host: Any, peer: PeerID, count: int = 100) -> dict[str, Any]:
    stream = await host.new_stream(peer, [PING])
    rtts = []
    for _ in range(count):
        payload = os.urandom(32)
        start = time.perf_counter()
        await stream.write(payload)
        echoed = await read_exactly(stream, 32)
        rtts.append((time.perf_counter() - start) * 1000)
        if echoed != payload:
            raise AssertionError("a pong did not match its ping")
    await stream.close()
    rtts.sort()
    return {
        "count": len(rtts),
        "rtt_ms_min": round(rtts[0], 3),
        "rtt_ms_p50": round(rtts[len(rtts) // 2], 3),
        "rtt_ms_max": round(rtts[-1], 3),
    }


async def check_identify_push(host: Any, peer: PeerID) -> dict[str, Any]:
    """Pushes our identify (now listing PUSHED) the way py-libp2p does: one
    length-prefixed message, then our FIN. The receiver must take it and close its side
    too (go-libp2p closes the stream after reading), so we see EOF, not silence."""
    host.set_stream_handler(PUSHED, echo_handler)
    stream = await host.new_stream(peer, [IDENTIFY_PUSH_ID])
    message = _mk_identify_protobuf(host, None).SerializeToString()
    await stream.write(encode_uvarint(len(message)) + message)
    await stream.close_write()
    with trio.move_on_after(5) as waiting:
        extra = await read_some(stream)
    if waiting.cancelled_caught:
        await stream.reset()
        raise AssertionError("the push stream was left open: no FIN within 5 s of ours")
    if extra:
        raise AssertionError(f"the receiver answered a push with {len(extra)} bytes")
    return {"pushed_protocol": PUSHED, "bytes": len(message)}


def pattern(size: int, seed: int) -> bytes:
    """Deterministic pseudo-random bytes: any reordering or loss shows."""
    return random.Random(seed).randbytes(size)


async def echo_once(host: Any, peer: PeerID, payload: bytes) -> float:
    """Sends payload on a new echo stream, half-closes, reads back to the end; seconds."""
    stream = await host.new_stream(peer, [ECHO])
    start = time.perf_counter()
    received = bytearray()

    async def writer() -> None:
        view = memoryview(payload)
        for offset in range(0, len(payload), CHUNK):
            await stream.write(bytes(view[offset : offset + CHUNK]))
        await stream.close_write()

    async with trio.open_nursery() as nursery:
        nursery.start_soon(writer)
        while True:
            data = await read_some(stream)
            if not data:
                break
            received += data
            if len(received) > len(payload):
                break
    elapsed = time.perf_counter() - start
    if bytes(received) != payload:
        raise AssertionError(
            f"echo of {len(payload)} bytes came back as {len(received)} bytes"
            f" (sha256 {hashlib.sha256(received).hexdigest()[:16]}"
            f" vs {hashlib.sha256(payload).hexdigest()[:16]})"
        )
    return elapsed


async def check_big_echo(host: Any, peer: PeerID) -> dict[str, Any]:
    payload = pattern(10 * 1024 * 1024, 7)
    seconds = await echo_once(host, peer, payload)
    return {"bytes": len(payload), "echo_ms": round(seconds * 1000, 3),
            "mb_per_s": round(len(payload) / seconds / 1e6, 2)}


async def check_concurrent(host: Any, peer: PeerID, count: int = 20) -> dict[str, Any]:
    failures: list[str] = []

    async def one(i: int) -> None:
        try:
            await echo_once(host, peer, f"stream {i} ".encode() + pattern(100_000, i))
        except Exception as error:  # noqa: BLE001
            failures.append(f"stream {i}: {type(error).__name__}: {error}")

    async with trio.open_nursery() as nursery:
        for i in range(count):
            nursery.start_soon(one, i)
    if failures:
        raise AssertionError("; ".join(failures))
    return {"streams": count}


async def check_refused(host: Any, peer: PeerID) -> dict[str, Any]:
    try:
        stream = await host.new_stream(peer, [MISSING])
    except Exception as error:  # noqa: BLE001 - expected: StreamFailure (multiselect "na")
        cause = error.__cause__
        return {"refused_with": f"{type(error).__name__}: {error}",
                "cause": f"{type(cause).__name__}: {cause}" if cause else None}
    await stream.reset()
    raise AssertionError(f"{MISSING} was accepted")


async def check_still_connected(host: Any, peer: PeerID) -> dict[str, Any]:
    if peer not in host.get_connected_peers():
        raise AssertionError("no longer connected")
    details = await check_pings(host, peer, 1)
    return {"rtt_ms": details["rtt_ms_p50"]}


async def check_auto_identify(host: Any, peer: PeerID) -> dict[str, Any]:
    """What the host's own identify (run on connect) put in the peerstore."""
    store = host.get_peerstore()
    while True:  # bounded by the check's fail_after
        try:
            protocols = sorted(store.get_protocols(peer))
            if ECHO in protocols:
                return {"protocols": protocols}
        except Exception:  # noqa: BLE001 - not there yet
            pass
        await trio.sleep(0.05)


async def wait_for_stdin_eof(limit: float) -> None:
    stdin = trio.lowlevel.FdStream(os.dup(sys.stdin.fileno()))
    with trio.move_on_after(limit):
        while await stdin.receive_some(4096):
            pass
    await stdin.aclose()


async def run_dial(target: str, hold: bool) -> int:
    checks = Checks()
    host = make_host()
    host.set_stream_handler(ECHO, echo_handler)
    ok = False
    async with host.run(listen_addrs=[multiaddr.Multiaddr(LISTEN)]):
        info = info_from_p2p_addr(multiaddr.Multiaddr(target))
        peer = info.peer_id

        async def connect() -> dict[str, Any]:
            await host.connect(info)
            return {"peer": str(peer)}

        if await checks.run("connect", connect):
            await checks.run("identify", check_identify, host, peer)
            await checks.run("auto_identify", check_auto_identify, host, peer)
            await checks.run("ping", check_pings, host, peer)
            await checks.run("echo_10mb", check_big_echo, host, peer)
            await checks.run("concurrent_20", check_concurrent, host, peer)
            await checks.run("unsupported_refused", check_refused, host, peer)
            await checks.run("still_connected", check_still_connected, host, peer)
            await checks.run("identify_push", check_identify_push, host, peer)
        ok = all(c["ok"] for c in checks.results.values())
        emit({"event": "result", "ok": ok, "peer": str(host.get_id()),
              "addrs": [str(a) for a in host.get_addrs()], "checks": checks.results})
        if hold:
            await wait_for_stdin_eof(TIMEOUT)
        with trio.move_on_after(5):
            await host.close()
    return 0 if ok else 1


def main(argv: list[str]) -> int:
    logging.basicConfig(
        stream=sys.stderr, level=os.environ.get("PYHOST_LOG", "WARNING"),
        format="pyhost %(levelname)s %(name)s: %(message)s")
    if len(argv) == 2 and argv[1] == "listen":
        return trio.run(run_listen)
    if len(argv) in (3, 4) and argv[1] == "dial" and argv[3:] in ([], ["--hold"]):
        return trio.run(run_dial, argv[2], argv[3:] == ["--hold"])
    if len(argv) >= 2 and argv[1] == "kad":
        # A KadDHT server peer (Tests/Interop/kad_peer.py, KademliaInteropTests).
        import kad_peer

        return kad_peer.main(argv[2:])
    if len(argv) >= 2 and argv[1] == "gossip":
        # A GossipSub peer (Tests/Interop/gossip_peer.py, PubSubInteropTests).
        import gossip_peer

        return gossip_peer.main(argv[2:])
    sys.stderr.write(__doc__ or "")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
