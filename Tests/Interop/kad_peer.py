#!/usr/bin/env python3
"""py-libp2p 0.8.1 KadDHT peer for the Swift Kademlia interop tests (KademliaInteropTests).

Run as `pyhost.py kad` (the Swift tests start pyhost.py): a host on 127.0.0.1 (TCP, Noise,
yamux) running KadDHT in server mode, with a validator for the `/variance/` namespace that
accepts any value and keeps the first one (the Swift tests use the same rule). It prints
{"event": "listening", "peer": ..., "addrs": [...]} and then answers commands read on stdin,
one JSON line per command:

  connect <multiaddr>   dials a peer and adds it to the DHT routing table (bootstrap)
  put <key> <hex>       dht.put_value(key, value)
  get <key>             dht.get_value(key) -> {"value": hex or null}
  findpeer <peer>       dht.find_peer(peer) -> {"addrs": [...]}
  provide <hex>         dht.provide(multihash as hex)
  providers <hex>       dht.find_providers(multihash as hex) -> {"providers": [{peer, addrs}]}
  table                 the routing table's peers

It exits when stdin closes. stdout carries only these JSON lines; logs go to stderr. Every
command is bounded (trio.fail_after).

Quirks of py-libp2p's KadDHT met on the way (also in docs/PROTOCOL.md):
- Keys are text: put_value/get_value take `str` and send its UTF-8 bytes; values may be any
  bytes. Without a validator for a namespace, non-strict mode accepts it with a warning.
- A second PUT_VALUE of a key it holds gets the stream reset unless the validator's select
  prefers the new value (index 1), even when the value is the same.
- It echoes ADD_PROVIDER (the specification says no response) and, as a client, does not
  read the echo; it refuses an ADD_PROVIDER whose provider has no addresses.
- put_value signs the record (Record.author/signature); readers do not check signatures.
- It resets every KAD stream it serves once the requester half-closes: its reader expects
  read() to return b"" at the end, its yamux raises StreamEOF ("Failed to read DHT message
  from stream" in its log). The response is written before, so the requester still reads it.
- find_peer answers from its routing table or peerstore before asking the network: a peer
  it is connected to is found without a lookup.
- Its lookups fall back to every connected peer when the routing table has few peers.
- get_value looks in its own store first and stores what it finds; find_providers too.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from typing import Any

import multiaddr
import trio

from libp2p.crypto.ed25519 import create_new_key_pair as create_ed25519_key_pair
from libp2p.crypto.x25519 import create_new_key_pair as create_x25519_key_pair
from libp2p.custom_types import TProtocol
from libp2p.kad_dht.kad_dht import DHTMode, KadDHT
from libp2p.peer.id import ID as PeerID
from libp2p.peer.peerinfo import info_from_p2p_addr
from libp2p.records.validator import Validator
from libp2p.security.noise.transport import PROTOCOL_ID as NOISE_ID
from libp2p.security.noise.transport import Transport as NoiseTransport
from libp2p.stream_muxer.yamux.yamux import PROTOCOL_ID as YAMUX_ID
from libp2p.stream_muxer.yamux.yamux import Yamux
from libp2p.tools.anyio_service import background_trio_service
import libp2p

LISTEN = "/ip4/127.0.0.1/tcp/0"
TIMEOUT = 60  # seconds, for any one command

log = logging.getLogger("kad_peer")


def emit(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj, sort_keys=True) + "\n")
    sys.stdout.flush()


class FirstWriteWins(Validator):
    """Any value is valid; the one held first is kept (Swift's FirstWriteWinsValidator)."""

    def validate(self, key: str, value: bytes) -> None:
        if not key.startswith("/variance/"):
            raise ValueError("not a /variance/ key")

    def select(self, key: str, values: list[bytes]) -> int:
        return 0


def make_host() -> Any:
    key_pair = create_ed25519_key_pair()
    noise = NoiseTransport(key_pair, noise_privkey=create_x25519_key_pair().private_key)
    return libp2p.new_host(
        key_pair=key_pair,
        sec_opt={NOISE_ID: noise},
        muxer_opt={TProtocol(YAMUX_ID): Yamux},
        listen_addrs=[multiaddr.Multiaddr(LISTEN)],
    )


async def answer(host: Any, dht: KadDHT, words: list[str]) -> dict[str, Any]:
    command, args = words[0], words[1:]
    if command == "connect" and len(args) == 1:
        info = info_from_p2p_addr(multiaddr.Multiaddr(args[0]))
        await host.connect(info)
        added = await dht.routing_table.add_peer(info.peer_id)
        return {"added": bool(added), "table": dht.get_routing_table_size()}
    if command == "put" and len(args) == 2:
        await dht.put_value(args[0], bytes.fromhex(args[1]))
        return {}
    if command == "get" and len(args) == 1:
        value = await dht.get_value(args[0])
        return {"value": value.hex() if value is not None else None}
    if command == "findpeer" and len(args) == 1:
        info = await dht.find_peer(PeerID.from_base58(args[0]))
        return {"addrs": [str(a) for a in info.addrs] if info is not None else []}
    if command == "provide" and len(args) == 1:
        return {"provided": bool(await dht.provide(args[0]))}
    if command == "providers" and len(args) == 1:
        found = await dht.find_providers(args[0])
        return {"providers": [{"peer": str(p.peer_id), "addrs": [str(a) for a in p.addrs]} for p in found]}
    if command == "table" and not args:
        return {"peers": [str(p) for p in dht.routing_table.get_peer_ids()]}
    raise ValueError(f"unknown command {' '.join(words)!r}")


async def run() -> int:
    host = make_host()
    async with host.run(listen_addrs=[multiaddr.Multiaddr(LISTEN)]):
        dht = KadDHT(host, DHTMode.SERVER)
        dht.register_validator("variance", FirstWriteWins())
        async with background_trio_service(dht):
            emit({"event": "listening", "peer": str(host.get_id()), "addrs": [str(a) for a in host.get_addrs()]})
            stdin = trio.lowlevel.FdStream(os.dup(sys.stdin.fileno()))
            buffered = b""
            while True:
                data = await stdin.receive_some(4096)
                if not data:
                    break
                buffered += data
                while b"\n" in buffered:
                    line, buffered = buffered.split(b"\n", 1)
                    words = line.decode().split()
                    if not words:
                        continue
                    try:
                        with trio.fail_after(TIMEOUT):
                            result = await answer(host, dht, words)
                        emit({"event": words[0], "ok": True, **result})
                    except Exception as error:  # noqa: BLE001 - reported to the test
                        log.warning("command %s failed", words[0], exc_info=True)
                        emit({"event": words[0], "ok": False, "error": f"{type(error).__name__}: {error}"})
            await stdin.aclose()
        with trio.move_on_after(5):
            await host.close()
    return 0


def main(argv: list[str]) -> int:
    if argv:
        sys.stderr.write(__doc__ or "")
        return 2
    return trio.run(run)
