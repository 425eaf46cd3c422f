"""Produces pubsub RPC bytes with py-libp2p's own protobuf classes and signing code path
(libp2p.pubsub.pb.rpc_pb2, PUBSUB_SIGNING_PREFIX, Ed25519PrivateKey.sign), for
Tests/LibP2PGossipSubTests/PyLibp2pWireTests.swift. Run with the interop venv:
  .venv-interop/bin/python scripts/gossipsub-rpc-vectors.py
"""
from libp2p.crypto.ed25519 import create_new_key_pair
from libp2p.peer.id import ID
from libp2p.pubsub.pb import rpc_pb2
from libp2p.pubsub.validators import PUBSUB_SIGNING_PREFIX, signature_validator

for f in rpc_pb2.Message.DESCRIPTOR.fields:
    print("# Message field", f.name, f.number)

keys = create_new_key_pair(bytes([7]) * 32)
author = ID.from_pubkey(keys.public_key)
print("# author", author.to_base58())

# A signed message exactly as Pubsub.publish builds it (key included, as py-libp2p does).
msg = rpc_pb2.Message(data=b"hello variance", topicIDs=["variance/test"],
                      from_id=author.to_bytes(), seqno=(42).to_bytes(8, "big"))
msg.signature = keys.private_key.sign(PUBSUB_SIGNING_PREFIX.encode() + msg.SerializeToString())
msg.key = keys.public_key.serialize()
assert signature_validator(msg)

# The same message without the key field (as go-libp2p sends Ed25519-signed messages).
nokey = rpc_pb2.Message()
nokey.CopyFrom(msg)
nokey.ClearField("key")

rpc = rpc_pb2.RPC()
rpc.subscriptions.add(subscribe=True, topicid="variance/test")
rpc.subscriptions.add(subscribe=False, topicid="old-topic")
rpc.publish.append(msg)
print("SIGNED_RPC", rpc.SerializeToString().hex())

nokey_rpc = rpc_pb2.RPC()
nokey_rpc.publish.append(nokey)
print("SIGNED_NOKEY_RPC", nokey_rpc.SerializeToString().hex())

other = create_new_key_pair(bytes([9]) * 32)
ctrl = rpc_pb2.RPC()
ctrl.control.ihave.add(topicID="variance/test", messageIDs=[author.to_bytes() + (1).to_bytes(8, "big"),
                                                           author.to_bytes() + (2).to_bytes(8, "big")])
ctrl.control.iwant.add(messageIDs=[author.to_bytes() + (3).to_bytes(8, "big")])
ctrl.control.graft.add(topicID="variance/test")
prune = ctrl.control.prune.add(topicID="variance/other", backoff=60)
prune.peers.add(peerID=ID.from_pubkey(other.public_key).to_bytes(), signedPeerRecord=b"")
print("# px peer", ID.from_pubkey(other.public_key).to_base58())
print("CONTROL_RPC", ctrl.SerializeToString().hex())

# The same control content without the empty signedPeerRecord, and a subscription change,
# as py-libp2p encodes it: Variance's encoder must produce these exact bytes.
canon = rpc_pb2.RPC()
canon.subscriptions.add(subscribe=True, topicid="variance/test")
canon.control.ihave.add(topicID="variance/test", messageIDs=[author.to_bytes() + (1).to_bytes(8, "big")])
canon.control.iwant.add(messageIDs=[author.to_bytes() + (3).to_bytes(8, "big")])
canon.control.graft.add(topicID="variance/test")
p2 = canon.control.prune.add(topicID="variance/other", backoff=60)
p2.peers.add(peerID=ID.from_pubkey(other.public_key).to_bytes())
print("CANONICAL_CONTROL_RPC", canon.SerializeToString().hex())
