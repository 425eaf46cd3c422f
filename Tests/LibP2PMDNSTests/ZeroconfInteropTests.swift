import LibP2PCore
import Testing

@testable import LibP2PMDNS

/// Packets python-zeroconf 0.150.5 writes for py-libp2p 0.8.1's mDNS module, captured with
/// `Tests/interop/zeroconf_vectors.py` (peer: Ed25519 key of 32 bytes 0x07).
@Suite struct ZeroconfInteropTests {
    static let peerText = "12D3KooWAHoEkEqnKzM5PXFygh2movVBCSX3k8tDsT2cneU68Gyt"

    /// PTR answer (TTL 4500); SRV, TXT (`dnsaddr=…`, `dnsaddr2=…` in one record, TTL 4500)
    /// and A as additionals, with cache-flush bits and compressed names.
    static let response = Wire.hex(
        "000084000000000100000003045f703270045f756470056c6f63616c00000c000100001194002b286161616161616161"
            + "6161616161616161616161616161616161616161616161616161616161616161c00cc027002180010000007800310000"
            + "00000fa12861616161616161616161616161616161616161616161616161616161616161616161616161616161c016c0"
            + "27001080010000119400b45b646e73616464723d2f6970342f3139322e3136382e312e32302f7463702f343030312f70"
            + "32702f313244334b6f6f5741486f456b45716e4b7a4d35505846796768326d6f765642435358336b387444735432636e"
            + "6555363847797457646e7361646472323d2f6970362f666538303a3a312f7463702f343030312f7032702f313244334b"
            + "6f6f5741486f456b45716e4b7a4d35505846796768326d6f765642435358336b387444735432636e65553638477974c0"
            + "6400018001000000780004c0a80114"
    )

    /// A ServiceBrowser's first query: `_p2p._udp.local. PTR IN` with the QU bit.
    static let query = Wire.hex("000000000001000000000000045f703270045f756470056c6f63616c00000c8001")

    @Test func peerIDsAgree() throws {
        #expect(Peers.peer(7).description == Self.peerText)
    }

    @Test func decodesZeroconfResponse() throws {
        let message = try DNSMessage.decode(Self.response)
        #expect(message.flags == 0x8400 && message.answers.count == 1 && message.additionals.count == 3)
        #expect(message.additionals.map(\.data.type) == [DNSRecordType.srv, DNSRecordType.txt, DNSRecordType.a])
        #expect(message.additionals.allSatisfy { $0.cacheFlush })
        guard case .srv(_, _, let port, let target) = message.additionals[0].data else {
            Issue.record("no SRV")
            return
        }
        let server = try DNSName("\(String(repeating: "a", count: 40)).local")
        #expect(port == 4001 && target == server)
    }

    @Test func discoversZeroconfPeer() {
        var service = Peers.service()
        let found = service.discovered(from: Self.response, ourPeer: Peers.us, now: MDNSInstant(seconds: 0))
        #expect(
            found == [
                MDNSPeer(
                    peerID: Peers.peer(7),
                    addresses: [Peers.address("/ip4/192.168.1.20/tcp/4001"), Peers.address("/ip6/fe80::1/tcp/4001")],
                    expiresAt: MDNSInstant(seconds: 3600)  // 4500 s cut to maxAcceptedTTL
                )
            ])
    }

    @Test func answersZeroconfQuery() throws {
        let service = Peers.service()
        let bytes = try #require(
            service.respond(to: Self.query, ourPeer: Peers.us, ourAddresses: [Peers.address("/ip4/10.0.0.1/tcp/4001")]))
        #expect(try DNSMessage.decode(bytes).answers.first?.data == .ptr(service.instanceName))
    }
}
