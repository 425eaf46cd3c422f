"""Prints the mDNS packets python-zeroconf (as used by py-libp2p 0.8.1's mdns module)
would send, as hex, for the vectors in ZeroconfInteropTests.swift.

Run: /work/main/.venv-interop/bin/python Tests/interop/zeroconf_vectors.py
"""
import socket

from libp2p.crypto.ed25519 import Ed25519PublicKey
from libp2p.peer.id import ID
from zeroconf import DNSOutgoing, DNSQuestion, ServiceInfo, const

peer = ID.from_pubkey(Ed25519PublicKey.from_bytes(bytes([7] * 32))).to_string()
name = "a" * 40
service_type = "_p2p._udp.local."
# The TXT properties as py-libp2p's PeerBroadcaster._build_txt_properties writes them.
properties = {
    b"dnsaddr": f"/ip4/192.168.1.20/tcp/4001/p2p/{peer}".encode(),
    b"dnsaddr2": f"/ip6/fe80::1/tcp/4001/p2p/{peer}".encode(),
}
info = ServiceInfo(
    type_=service_type,
    name=f"{name}.{service_type}",
    port=4001,
    properties=properties,
    server=f"{name}.local.",
    addresses=[socket.inet_aton("192.168.1.20")],
)

# The response zeroconf multicasts for a `_p2p._udp.local. PTR` question.
response = DNSOutgoing(const._FLAGS_QR_RESPONSE | const._FLAGS_AA)
response.add_answer_at_time(info.dns_pointer(), 0)
response.add_additional_answer(info.dns_service())
response.add_additional_answer(info.dns_text())
for record in info.dns_addresses():
    response.add_additional_answer(record)

# The first query of a ServiceBrowser (QU bit set on the first question).
query = DNSOutgoing(const._FLAGS_QR_QUERY)
question = DNSQuestion(service_type, const._TYPE_PTR, const._CLASS_IN)
question.unicast = True
query.add_question(question)

print("peer", peer)
print("response", b"".join(response.packets()).hex())
print("query", b"".join(query.packets()).hex())
