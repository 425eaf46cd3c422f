#!/usr/bin/env python3
"""py-libp2p 0.8.1 Circuit Relay v2 peer for the Swift libp2p interop tests.

Each mode is one process on 127.0.0.1 (TCP, Noise, yamux only; Ed25519 keys, made as in
pyhost.py). The three modes together form a relay, a reachable-only-via-relay target and
a dialer, so any one of them can be replaced by the Swift node:

  relay_peer.py relay
      A relay serving /libp2p/circuit/relay/0.2.0/hop with generous limits (1024
      reservations in total, 64 circuits each, 1 GiB and 3600 s per circuit). Prints
      {"event": "listening", "peer": ..., "addrs": [...full multiaddrs with /p2p/...]},
      then answers commands on stdin, one JSON line each, until stdin closes:
        reservations   {"event": "reservations", "peers": [...]}: live reservations
                       (the relay counts one only while its holder is connected)
        peers          {"event": "peers", "peers": [...]}: connected peers
  relay_peer.py reserve <relay multiaddr ending /p2p/<relay id>>
      Connects to the relay, reserves a slot (hop RESERVE, through py-libp2p's own
      CircuitV2Transport), serves /libp2p/circuit/relay/0.2.0/stop (CircuitV2Protocol)
      and an echo handler on /test/echo/1.0.0. Prints
        {"event": "reserved", "peer": <own id>, "circuit": "<relay>/p2p-circuit/p2p/<own>",
         "expire": <unix seconds or null>, "relay": <relay id>, "reserve_ms": ...,
         "limit": {"duration": ..., "data": ...} or null,
         "addrs": [relay addrs from Reservation.addrs], "voucher": <bool present>,
         "voucher_ok": <bool, null when absent>, "voucher_error": <str or null>}
      or {"event": "error", "reason": ...} and exits 1. Then stays up, holding the relay
      connection (so the reservation) until stdin closes, printing
        {"event": "inbound", "peer": <initiator named in STOP CONNECT>, "relay": ...,
         "authenticated": <a relayed connection to that peer now exists>}
              once a relayed connection arrived on the STOP protocol and was upgraded,
        {"event": "stop_error", "peer": ..., "error": ...} if that upgrade failed,
        {"event": "echo", "peer": ..., "relayed": <bool>} for each echo stream,
        {"event": "relay_lost", "relay": ...} once if the relay connection goes away.
      The only stdin command is `peers`, as above.
  relay_peer.py dial <relay multiaddr>/p2p-circuit/p2p/<target id> [--no-reserve]
      Connects to the relay, dials the target through it with CircuitV2Transport.dial,
      opens /test/echo/1.0.0 on that relayed connection, writes 64 KiB of a known
      pattern, half-closes, reads everything back and prints
        {"event": "result", "ok": ..., "bytes": <n echoed>, "connect_ms": <circuit dial>,
         "echo_ms": ..., "relay_ms": <TCP connect to the relay>, "relayed": <bool>,
         "error": <str or null>}
      and exits 0 if ok, 1 otherwise. By default py-libp2p's client role first makes a
      reservation of its own on the relay (on a separate hop stream) before CONNECT and
      puts that reservation (expire + voucher) in the CONNECT message; --no-reserve
      drops the client role so only CONNECT is sent.

stdout carries only those JSON lines; logs go to stderr (RELAY_PEER_LOG=DEBUG for more).
Everything stays on 127.0.0.1 and every wait is bounded (trio.fail_after); the relay and
reserve modes end by themselves after RELAY_PEER_LIFETIME seconds (900) at the latest.
"""

from __future__ import annotations

import logging
import os
import sys
import time
import traceback
from typing import Any

import multiaddr
import trio

# pyhost.py sits next to this file: same host recipe, JSON output and echo handler
# (importing it also sets the swarm's happy-eyeballs delay to 0).
from pyhost import CHUNK, ECHO, LISTEN, echo_handler, emit, make_host, pattern, read_some

from libp2p.peer.envelope import unmarshal_envelope
from libp2p.peer.id import ID as PeerID
from libp2p.peer.peerinfo import info_from_p2p_addr
from libp2p.relay.circuit_v2.config import RelayConfig, RelayRole
from libp2p.relay.circuit_v2.pb.circuit_pb2 import HopMessage, Voucher
from libp2p.relay.circuit_v2.protocol import PROTOCOL_ID as HOP_ID
from libp2p.relay.circuit_v2.protocol import CircuitV2Protocol
from libp2p.relay.circuit_v2.resources import (
    RELAY_RSVP_DOMAIN,
    VOUCHER_PAYLOAD_TYPE,
    RelayLimits,
)
from libp2p.relay.circuit_v2.transport import CircuitV2Transport
from libp2p.tools.anyio_service import background_trio_service

TIMEOUT = 30  # seconds, for any one step
LIFETIME = float(os.environ.get("RELAY_PEER_LIFETIME", "900"))
ECHO_BYTES = 64 * 1024
ECHO_SEED = 0x5EED

# The relay's limits. py-libp2p's defaults (4 reservations in total, 8 circuits each)
# are too tight for a test run: its relay counts every reservation made in the last
# hour against the total, even those whose holder has gone (they only stop being
# usable), and each py dialer makes one of its own. Duration and data keep their
# defaults.
RELAY_LIMITS = RelayLimits(
    duration=3600,
    data=1024 * 1024 * 1024,
    max_circuit_conns=64,
    max_reservations=1024,
)

log = logging.getLogger("relay_peer")


def error_text(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


def peer_text(raw: bytes) -> str:
    try:
        return str(PeerID(raw))
    except Exception:  # noqa: BLE001
        return "<undecodable " + raw.hex() + ">"


def addr_text(raw: bytes) -> str:
    try:
        return str(multiaddr.Multiaddr(raw))
    except Exception:  # noqa: BLE001
        return "<undecodable " + raw.hex() + ">"


def limit_dict(message: Any) -> dict[str, int] | None:
    if not message.HasField("limit"):
        return None
    return {"duration": message.limit.duration, "data": message.limit.data}


def is_relayed(muxed_conn: Any) -> bool:
    """True if a muxed connection runs over a /p2p-circuit (how py-libp2p tags them)."""
    for holder in (muxed_conn, getattr(muxed_conn, "secured_conn", None),
                   getattr(muxed_conn, "raw_conn", None)):
        get_addrs = getattr(holder, "get_transport_addresses", None)
        if callable(get_addrs):
            try:
                if any("/p2p-circuit" in str(a) for a in get_addrs() or []):
                    return True
            except Exception:  # noqa: BLE001
                pass
    return False


async def serve_stdin(answer: Any) -> None:
    """Feeds stdin lines to answer(line) until stdin closes (or LIFETIME passes)."""
    stdin = trio.lowlevel.FdStream(os.dup(sys.stdin.fileno()))
    buffered = b""
    with trio.move_on_after(LIFETIME):
        while True:
            data = await stdin.receive_some(4096)
            if not data:
                break
            buffered += data
            while b"\n" in buffered:
                line, buffered = buffered.split(b"\n", 1)
                words = line.decode(errors="replace").split()
                if words:
                    await answer(words)
    await stdin.aclose()


def answer_peers(host: Any, words: list[str]) -> bool:
    if words == ["peers"]:
        emit({"event": "peers", "peers": sorted(str(p) for p in host.get_connected_peers())})
        return True
    return False


# MARK: relay


async def run_relay() -> int:
    host = make_host()
    protocol = CircuitV2Protocol(host, limits=RELAY_LIMITS, allow_hop=True)
    async with host.run(listen_addrs=[multiaddr.Multiaddr(LISTEN)]):
        async with background_trio_service(protocol):
            with trio.fail_after(TIMEOUT):
                await protocol.event_started.wait()
            emit({"event": "listening", "peer": str(host.get_id()),
                  "addrs": [str(a) for a in host.get_addrs()]})

            async def answer(words: list[str]) -> None:
                if words == ["reservations"]:
                    manager = protocol.resource_manager
                    live = [p for p in list(manager._reservations)
                            if manager.get_reservation(p) is not None]
                    emit({"event": "reservations", "peers": sorted(str(p) for p in live)})
                elif not answer_peers(host, words):
                    emit({"event": "error", "reason": f"unknown command {' '.join(words)!r}"})

            await serve_stdin(answer)
        with trio.move_on_after(5):
            await host.close()
    return 0


# MARK: reserve


class RecordingStream:
    """Passes everything through to a stream and keeps a copy of what was read, so the
    RESERVE reply read by py-libp2p's own client code can be decoded here as well."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self.received = bytearray()

    async def read(self, n: int | None = None) -> bytes:
        data = await self._stream.read(n)
        self.received += data
        return data

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def first_delimited(data: bytes) -> bytes:
    length, shift, i = 0, 0, 0
    while True:
        byte = data[i]
        length |= (byte & 0x7F) << shift
        i += 1
        if byte & 0x80 == 0:
            break
        shift += 7
    return bytes(data[i : i + length])


def check_voucher(voucher: bytes, relay: PeerID, me: PeerID, expire: int) -> str | None:
    """None if voucher is a Signed Envelope by the relay (domain libp2p-relay-rsvp, type
    0x0302) over Voucher{relay, peer=us, expiration=expire}; else what is wrong."""
    try:
        envelope = unmarshal_envelope(voucher)
        envelope.validate(RELAY_RSVP_DOMAIN)
    except Exception as error:  # noqa: BLE001
        return "envelope: " + error_text(error)
    if PeerID.from_pubkey(envelope.public_key) != relay:
        return "signed by another key than the relay's"
    if bytes(envelope.payload_type) != VOUCHER_PAYLOAD_TYPE:
        return f"payload type {bytes(envelope.payload_type).hex()}"
    payload = Voucher()
    try:
        payload.ParseFromString(bytes(envelope.raw_payload))
    except Exception as error:  # noqa: BLE001
        return "payload: " + error_text(error)
    problems = []
    if payload.relay != relay.to_bytes():
        problems.append(f"relay {peer_text(payload.relay)}")
    if payload.peer != me.to_bytes():
        problems.append(f"peer {peer_text(payload.peer)}")
    if payload.expiration != expire:
        problems.append(f"expiration {payload.expiration} != reservation expire {expire}")
    return "; ".join(problems) or None


def watch_stop(protocol: CircuitV2Protocol) -> None:
    """Reports relayed connections. py-libp2p's STOP handler (CircuitV2Protocol.
    _handle_stop_stream) reads STOP CONNECT, answers STATUS OK and then calls
    self.handle_incoming_connection(stream, initiator id), which runs Noise + yamux
    (as responder) over the stop stream and adds the result to the swarm. Wrapping
    that method on this one instance shows when the upgrade is done."""
    upgrade = protocol.handle_incoming_connection

    async def handle_incoming_connection(stream: Any, remote_peer_id: bytes) -> None:
        relay = str(stream.muxed_conn.peer_id)
        try:
            await upgrade(stream, remote_peer_id)
        except BaseException as error:
            emit({"event": "stop_error", "peer": peer_text(remote_peer_id), "relay": relay,
                  "error": error_text(error)})
            raise
        # py-libp2p does not check that the Noise peer is the one STOP CONNECT named.
        network = protocol.host.get_network()
        conns = (getattr(network, "connections", {}) or {}).get(PeerID(remote_peer_id), [])
        conns = conns if isinstance(conns, list) else [conns]
        authenticated = any(is_relayed(getattr(c, "muxed_conn", c)) for c in conns)
        emit({"event": "inbound", "peer": peer_text(remote_peer_id), "relay": relay,
              "authenticated": authenticated})

    protocol.handle_incoming_connection = handle_incoming_connection  # type: ignore[method-assign]


async def echo_reporting(stream: Any) -> None:
    emit({"event": "echo", "peer": str(stream.muxed_conn.peer_id),
          "relayed": is_relayed(stream.muxed_conn)})
    await echo_handler(stream)


async def run_reserve(relay_addr: str) -> int:
    host = make_host()
    me = host.get_id()
    protocol = CircuitV2Protocol(host, allow_hop=False)  # serves STOP only
    transport = CircuitV2Transport(host, protocol, RelayConfig())
    watch_stop(protocol)
    host.set_stream_handler(ECHO, echo_reporting)
    code = 0
    async with host.run(listen_addrs=[multiaddr.Multiaddr(LISTEN)]):
        async with background_trio_service(protocol), trio.open_nursery() as nursery:
            try:
                with trio.fail_after(TIMEOUT):
                    await protocol.event_started.wait()
                    details = await reserve(host, transport, relay_addr, nursery)
            except Exception as error:  # noqa: BLE001 - reported to the test
                log.error("reservation failed:\n%s", traceback.format_exc())
                emit({"event": "error", "reason": error_text(error)})
                code = 1
            else:
                emit({"event": "reserved", "peer": str(me), **details})
                relay = PeerID.from_base58(details["relay"])
                nursery.start_soon(watch_relay, host, relay)

                async def answer(words: list[str]) -> None:
                    if not answer_peers(host, words):
                        emit({"event": "error",
                              "reason": f"unknown command {' '.join(words)!r}"})

                await serve_stdin(answer)
            nursery.cancel_scope.cancel()  # the reservation refresher, watch_relay
        with trio.move_on_after(5):
            await host.close()
    return code


async def reserve(host: Any, transport: CircuitV2Transport, relay_addr: str,
                  nursery: trio.Nursery) -> dict[str, Any]:
    info = info_from_p2p_addr(multiaddr.Multiaddr(relay_addr))
    relay, me = info.peer_id, host.get_id()
    await host.connect(info)
    start = time.perf_counter()
    stream = await host.new_stream(relay, [HOP_ID])
    recording = RecordingStream(stream)
    # py-libp2p's client: RESERVE (with peer = our id), read one reply, status check;
    # reserve() also starts its refresher (re-RESERVE 30 s before expiry) in nursery.
    granted = await transport.reserve(recording, relay, nursery)
    reserve_ms = round((time.perf_counter() - start) * 1000, 3)
    # The relay keeps reading the stream after its reply (and answers our FIN with a
    # STATUS 400): one reply is all we want, so close our side now.
    try:
        await stream.close()
    except Exception as error:  # noqa: BLE001
        log.debug("closing the reserve stream: %r", error)
    reply = HopMessage()
    try:
        reply.ParseFromString(first_delimited(bytes(recording.received)))
    except Exception as error:  # noqa: BLE001
        raise RuntimeError(f"undecodable RESERVE reply {bytes(recording.received).hex()}") from error
    if not granted:
        status = reply.status if reply.HasField("status") else None
        raise RuntimeError(f"reservation refused: status {status}")
    expire = reply.reservation.expire if reply.HasField("reservation") else None
    voucher = bytes(reply.reservation.voucher) if reply.HasField("reservation") else b""
    voucher_error = check_voucher(voucher, relay, me, expire or 0) if voucher else None
    base = str(multiaddr.Multiaddr(relay_addr))
    return {
        "relay": str(relay),
        "circuit": f"{base}/p2p-circuit/p2p/{me}",
        "expire": expire,
        "reserve_ms": reserve_ms,
        "limit": limit_dict(reply),
        "addrs": [addr_text(a) for a in reply.reservation.addrs],
        "voucher": bool(voucher),
        "voucher_ok": (voucher_error is None) if voucher else None,
        "voucher_error": voucher_error,
    }


async def watch_relay(host: Any, relay: PeerID) -> None:
    while relay in host.get_connected_peers():
        await trio.sleep(0.25)
    emit({"event": "relay_lost", "relay": str(relay)})


# MARK: dial


async def run_dial(circuit: str, client_role: bool) -> int:
    host = make_host()
    protocol = CircuitV2Protocol(host, allow_hop=False)
    roles = RelayRole.STOP | RelayRole.CLIENT if client_role else RelayRole.STOP
    transport = CircuitV2Transport(host, protocol, RelayConfig(roles=roles))
    result: dict[str, Any] = {"event": "result", "ok": False, "bytes": 0,
                              "connect_ms": None, "echo_ms": None, "relay_ms": None,
                              "relayed": None, "error": None}
    async with host.run(listen_addrs=[multiaddr.Multiaddr(LISTEN)]):
        async with background_trio_service(protocol):
            step = "parse"
            try:
                address = multiaddr.Multiaddr(circuit)
                relay_addr, target = transport.parse_circuit_ma(address)
                step = "relay connect"
                start = time.perf_counter()
                with trio.fail_after(TIMEOUT):
                    await host.connect(info_from_p2p_addr(relay_addr))
                result["relay_ms"] = round((time.perf_counter() - start) * 1000, 3)
                step = "circuit dial"
                start = time.perf_counter()
                with trio.fail_after(TIMEOUT):
                    conn = await transport.dial(address)
                result["connect_ms"] = round((time.perf_counter() - start) * 1000, 3)
                step = "echo"
                with trio.fail_after(TIMEOUT):
                    received, seconds, relayed = await echo_over(host, target, conn)
                result.update(bytes=len(received), echo_ms=round(seconds * 1000, 3),
                              relayed=relayed)
                expected = pattern(ECHO_BYTES, ECHO_SEED)
                if received != expected:
                    result["error"] = (f"echo of {len(expected)} bytes came back as"
                                       f" {len(received)} bytes, different")
                elif not relayed:
                    result["error"] = "the echo stream did not run over the circuit"
                else:
                    result["ok"] = True
            except Exception as error:  # noqa: BLE001 - reported to the test
                log.error("%s failed:\n%s", step, traceback.format_exc())
                result["error"] = f"{step}: {error_text(error)}"
            emit(result)
        with trio.move_on_after(5):
            await host.close()
    return 0 if result["ok"] else 1


async def echo_over(host: Any, target: PeerID, conn: Any) -> tuple[bytes, float, bool]:
    """One echo stream to target: (bytes read back, seconds, whether it used conn)."""
    payload = pattern(ECHO_BYTES, ECHO_SEED)
    stream = await host.new_stream(target, [ECHO])
    relayed = stream.muxed_conn is getattr(conn, "muxed_conn", None) and is_relayed(
        stream.muxed_conn)
    start = time.perf_counter()
    received = bytearray()

    async def writer() -> None:
        for offset in range(0, len(payload), CHUNK):
            await stream.write(payload[offset : offset + CHUNK])
        await stream.close_write()

    async with trio.open_nursery() as nursery:
        nursery.start_soon(writer)
        while len(received) <= len(payload):
            data = await read_some(stream)
            if not data:
                break
            received += data
    seconds = time.perf_counter() - start
    try:
        await stream.close()
    except Exception:  # noqa: BLE001
        pass
    return bytes(received), seconds, relayed


def main(argv: list[str]) -> int:
    logging.basicConfig(
        stream=sys.stderr, level=os.environ.get("RELAY_PEER_LOG", "WARNING"),
        format="relay_peer %(levelname)s %(name)s: %(message)s")
    if argv[1:] == ["relay"]:
        return trio.run(run_relay)
    if len(argv) == 3 and argv[1] == "reserve":
        return trio.run(run_reserve, argv[2])
    if len(argv) in (3, 4) and argv[1] == "dial" and argv[3:] in ([], ["--no-reserve"]):
        return trio.run(run_dial, argv[2], argv[3:] == [])
    sys.stderr.write(__doc__ or "")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
