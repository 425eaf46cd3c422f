import LibP2PCore
@testable import LibP2PNAT
import Testing

@Suite struct IPAddressScopeTests {
    private func scope(_ text: String) -> IPAddressScope? {
        ma(text).components.first.flatMap { component -> IPAddressScope? in
            switch component {
            case .ip4(let bytes), .ip6(let bytes): IPAddressScope(address: bytes)
            default: nil
            }
        }
    }

    @Test(arguments: [
        ("/ip4/8.8.8.8", IPAddressScope.public), ("/ip4/93.184.216.34", .public),
        ("/ip4/10.1.2.3", .private), ("/ip4/172.16.0.1", .private), ("/ip4/172.31.255.255", .private),
        ("/ip4/172.32.0.1", .public), ("/ip4/192.168.1.1", .private), ("/ip4/100.64.0.1", .private),
        ("/ip4/100.128.0.1", .public), ("/ip4/127.0.0.1", .loopback), ("/ip4/169.254.1.1", .linkLocal),
        ("/ip4/0.0.0.0", .unspecified), ("/ip4/192.0.2.1", .reserved), ("/ip4/198.51.100.7", .reserved),
        ("/ip4/203.0.113.9", .reserved), ("/ip4/224.0.0.1", .reserved), ("/ip4/255.255.255.255", .reserved),
        ("/ip6/2606:4700::1111", .public), ("/ip6/::1", .loopback), ("/ip6/::", .unspecified),
        ("/ip6/fe80::1", .linkLocal), ("/ip6/fd00::1", .private), ("/ip6/ff02::1", .reserved),
        ("/ip6/2001:db8::1", .reserved), ("/ip6/::ffff:8.8.8.8", .public), ("/ip6/::ffff:10.0.0.1", .private),
        ("/ip6/64:ff9b::7f00:1", .loopback), ("/ip6/100::1", .reserved),
    ])
    func classifies(_ address: String, _ expected: IPAddressScope) {
        #expect(scope(address) == expected)
    }

    @Test func refusesOtherLengths() {
        #expect(IPAddressScope(address: [1, 2, 3]) == nil)
    }

    @Test func policyAllowsByScope() {
        #expect(NATAddressPolicy.publicOnly.allows(ma("/ip4/8.8.8.8/tcp/1")))
        #expect(!NATAddressPolicy.publicOnly.allows(ma("/ip4/10.0.0.1/tcp/1")))
        #expect(NATAddressPolicy.includingPrivate.allows(ma("/ip4/10.0.0.1/tcp/1")))
        #expect(!NATAddressPolicy.includingPrivate.allows(ma("/ip4/127.0.0.1/tcp/1")))
        #expect(NATAddressPolicy.includingLoopback.allows(ma("/ip4/127.0.0.1/tcp/1")))
        #expect(!NATAddressPolicy.includingLoopback.allows(ma("/ip4/0.0.0.0/tcp/1")))
        #expect(!NATAddressPolicy(extraScopes: [.reserved]).allows(ma("/ip4/192.0.2.1/tcp/1")))
        #expect(NATAddressPolicy.publicOnly.allows(ma("/dns4/example.com/tcp/1")))
        #expect(!NATAddressPolicy.publicOnly.allows(ma("/dns4/localhost/tcp/1")))
        let relayed = ma("/ip4/8.8.8.8/tcp/1/p2p/\(testPeer(1))/p2p-circuit")
        #expect(relayed.isRelayed)
        #expect(!NATAddressPolicy.includingLoopback.allows(relayed))
    }

    @Test func leadingIPFoldsMappedIPv6() {
        #expect(ma("/ip6/::ffff:1.2.3.4/tcp/1").leadingIP == [1, 2, 3, 4])
        #expect(ma("/ip4/1.2.3.4/tcp/1").leadingIP == [1, 2, 3, 4])
        #expect(ma("/dns4/example.com/tcp/1").leadingIP == nil)
    }

    @Test func recognisesTransports() {
        #expect(NATTransport(address: ma("/ip4/1.2.3.4/tcp/1")) == .tcp)
        #expect(NATTransport(address: ma("/ip6/::1/tcp/1/p2p/\(testPeer(1))")) == .tcp)
        #expect(NATTransport(address: ma("/ip4/1.2.3.4/udp/1/quic-v1")) == .quicV1)
        #expect(NATTransport(address: ma("/ip4/1.2.3.4/udp/1/quic")) == nil)
        #expect(NATTransport(address: ma("/ip4/1.2.3.4/tcp/1/ws")) == nil)
        #expect(NATTransport(address: ma("/dns4/example.com/tcp/1")) == nil)
    }
}
