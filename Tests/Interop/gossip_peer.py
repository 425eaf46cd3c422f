#!/usr/bin/env python3
"""py-libp2p 0.8.1 GossipSub peer for the Swift pubsub interop tests (PubSubInteropTests).

Run as `pyhost.py gossip` (the Swift tests start pyhost.py): a host on 127.0.0.1 (TCP, Noise,
yamux) running Pubsub with py-libp2p's GossipSub router, strict signing on, message id =
from || seqno (its defaults), heartbeat every second (its default is 120 s). It offers
/meshsub/2.0.0 down to /meshsub/1.0.0, as py-libp2p does by default. It prints
{"event": "listening", "peer": ..., "addrs": [...]} and then answers commands read on stdin,
one JSON line per command:

  connect <multiaddr>                      dials a peer and waits for its pubsub stream
  subscribe <topic>                        joins the topic; what arrives is collected
  unsubscribe <topic>                      leaves it
  publish <topic> <count> <ms> <prefix>    publishes "<prefix> <i>" for i < count, one every ms
  received <topic> <count> <seconds>       waits (bounded) until count messages arrived, then
                                           {"messages": [{"from", "seqno", "data"}...]} (data as text)
  mesh <topic>                             {"mesh": [...], "peers": [...]} (mesh and topic peers)

It exits when stdin closes. stdout carries only these JSON lines; logs go to stderr. Every
command is bounded (trio.fail_after).

Quirks of py-libp2p's GossipSub that the tests must respect (also in shared INTEROP-PEERS.md):
- It drops messages without from, seqno and a valid signature (strict signing) silently.
- It forwards at most 10 messages per second per topic and forwarding peer, and its queue
  per peer holds 32 RPCs: the tests publish at most 5 per second per node.
- It sends its signed peer record in each RPC (`senderRecord`, field 8), which we skip.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from typing import Any

import multiaddr
import trio

import libp2p
import libp2p.network.swarm as _swarm_module
from libp2p.crypto.ed25519 import create_new_key_pair as create_ed25519_key_pair
from libp2p.crypto.x25519 import create_new_key_pair as create_x25519_key_pair
from libp2p.custom_types import TProtocol
from libp2p.peer.id import ID as PeerID
from libp2p.peer.peerinfo import info_from_p2p_addr
from libp2p.pubsub import gossipsub as gossipsub_module
from libp2p.pubsub.gossipsub import GossipSub
from libp2p.pubsub.pubsub import Pubsub
from libp2p.security.noise.transport import PROTOCOL_ID as NOISE_ID
from libp2p.security.noise.transport import Transport as NoiseTransport
from libp2p.stream_muxer.yamux.yamux import PROTOCOL_ID as YAMUX_ID
from libp2p.stream_muxer.yamux.yamux import Yamux
from libp2p.tools.anyio_service import background_trio_service

if hasattr(_swarm_module, "_HAPPY_EYEBALLS_DELAY"):
    _swarm_module._HAPPY_EYEBALLS_DELAY = 0

LISTEN = "/ip4/127.0.0.1/tcp/0"
TIMEOUT = 90  # seconds, for any one command
PROTOCOLS = [
    gossipsub_module.PROTOCOL_ID_V20,
    gossipsub_module.PROTOCOL_ID_V14,
    gossipsub_module.PROTOCOL_ID_V13,
    gossipsub_module.PROTOCOL_ID_V12,
    gossipsub_module.PROTOCOL_ID_V11,
    gossipsub_module.PROTOCOL_ID,
]

log = logging.getLogger("gossip_peer")


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


class Peer:
    def __init__(self, host: Any, pubsub: Pubsub, router: GossipSub, nursery: trio.Nursery) -> None:
        self.host = host
        self.pubsub = pubsub
        self.router = router
        self.nursery = nursery
        self.received: dict[str, list[dict[str, str]]] = {}
        self.arrived = trio.Event()

    async def collect(self, topic: str, subscription: Any) -> None:
        while True:
            message = await subscription.get()
            self.received[topic].append(
                {
                    "from": PeerID(message.from_id).to_base58(),
                    "seqno": message.seqno.hex(),
                    "data": message.data.decode("utf-8", "replace"),
                }
            )
            self.arrived.set()
            self.arrived = trio.Event()

    async def answer(self, words: list[str]) -> dict[str, Any]:
        command, args = words[0], words[1:]
        if command == "connect" and len(args) == 1:
            info = info_from_p2p_addr(multiaddr.Multiaddr(args[0]))
            await self.host.connect(info)
            return {"pubsub": await self.pubsub.ensure_peer_stream(info.peer_id)}
        if command == "subscribe" and len(args) == 1:
            subscription = await self.pubsub.subscribe(args[0])
            self.received.setdefault(args[0], [])
            self.nursery.start_soon(self.collect, args[0], subscription)
            return {}
        if command == "unsubscribe" and len(args) == 1:
            await self.pubsub.unsubscribe(args[0])
            return {}
        if command == "publish" and len(args) == 4:
            topic, count, pause = args[0], int(args[1]), int(args[2]) / 1000
            for i in range(count):
                if i:
                    await trio.sleep(pause)
                await self.pubsub.publish(topic, f"{args[3]} {i}".encode())
            return {"published": count}
        if command == "received" and len(args) == 3:
            topic, count = args[0], int(args[1])
            with trio.move_on_after(float(args[2])):
                while len(self.received.get(topic, [])) < count:
                    await self.arrived.wait()
            return {"messages": self.received.get(topic, [])}
        if command == "mesh" and len(args) == 1:
            mesh = self.router.mesh.get(args[0], set())
            peers = self.pubsub.peer_topics.get(args[0], set())
            return {"mesh": sorted(str(p) for p in mesh), "peers": sorted(str(p) for p in peers)}
        raise ValueError(f"unknown command {' '.join(words)!r}")


async def run() -> int:
    host = make_host()
    router = GossipSub(
        protocols=PROTOCOLS,
        degree=6,
        degree_low=4,
        degree_high=12,
        heartbeat_initial_delay=0.1,
        heartbeat_interval=1,
    )
    pubsub = Pubsub(host, router, strict_signing=True)
    async with host.run(listen_addrs=[multiaddr.Multiaddr(LISTEN)]):
        async with background_trio_service(pubsub), background_trio_service(router):
            await pubsub.wait_until_ready()
            emit({"event": "listening", "peer": str(host.get_id()), "addrs": [str(a) for a in host.get_addrs()]})
            async with trio.open_nursery() as nursery:
                peer = Peer(host, pubsub, router, nursery)
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
                                result = await peer.answer(words)
                            emit({"event": words[0], "ok": True, **result})
                        except Exception as error:  # noqa: BLE001 - reported to the test
                            log.warning("command %s failed", words[0], exc_info=True)
                            emit({"event": words[0], "ok": False, "error": f"{type(error).__name__}: {error}"})
                await stdin.aclose()
                nursery.cancel_scope.cancel()
        with trio.move_on_after(5):
            await host.close()
    return 0


def main(argv: list[str]) -> int:
    if argv:
        sys.stderr.write(__doc__ or "")
        return 2
    # Its multiaddr parser logs every conversion at DEBUG: keep PYHOST_LOG=DEBUG readable.
    logging.getLogger("multiaddr").setLevel(logging.WARNING)
    return trio.run(run)
