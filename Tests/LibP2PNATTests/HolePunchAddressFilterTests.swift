import LibP2PCore
import LibP2PNAT
import Testing

@Suite struct HolePunchAddressFilterTests {
    @Test func sendsPublicDirectAddressesObservedFirst() {
        let observed = [
            ma("/ip4/93.184.216.34/tcp/4001"),
            ma("/ip4/93.184.216.34/tcp/4001/p2p/\(testPeer(1))"),  // the same once /p2p is removed
            ma("/ip4/8.8.8.8/tcp/1/p2p/\(testPeer(2))/p2p-circuit"),  // relayed
        ]
        let listen = [
            ma("/ip4/0.0.0.0/tcp/4001"), ma("/ip4/127.0.0.1/tcp/4001"), ma("/ip4/192.168.1.5/tcp/4001"),
            ma("/ip6/2606:4700::1/udp/4001/quic-v1"), ma("/ip4/93.184.216.35/tcp/4001/ws"),
        ]
        let filter = HolePunchAddressFilter()
        #expect(filter.advertisable(observed: observed, listen: listen) == [
            ma("/ip4/93.184.216.34/tcp/4001"), ma("/ip6/2606:4700::1/udp/4001/quic-v1"),
        ])
        let namespaces = HolePunchAddressFilter(policy: .includingPrivate)
        #expect(namespaces.advertisable(observed: observed, listen: listen) == [
            ma("/ip4/93.184.216.34/tcp/4001"), ma("/ip4/192.168.1.5/tcp/4001"), ma("/ip6/2606:4700::1/udp/4001/quic-v1"),
        ])
    }

    @Test func boundsTheCount() {
        let many = (1...50).map { ma("/ip4/93.184.216.34/tcp/\($0)") }
        #expect(HolePunchAddressFilter().dialable(many).count == HolePunchProtocol.maxAddresses)
        #expect(HolePunchAddressFilter(limit: 3).dialable(many) == Array(many.prefix(3)))
    }
}
