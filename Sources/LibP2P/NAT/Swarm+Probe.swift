import LibP2PCore
import NIOCore
import NIOPosix

extension Swarm {
    /// Whether `address` reaches `peer` on a new connection: TCP, then the whole upgrade
    /// (Noise proves the peer ID), then the connection is closed without being used or
    /// registered. Existing connections to the peer play no part: this is AutoNAT's dial-back.
    public func probe(_ address: Multiaddr, expecting peer: PeerID, timeout: Duration = .seconds(10)) async -> Bool {
        guard !closed, CircuitAddressCheck.isDirect(address), let (host, port) = try? TCPAddress.hostAndPort(of: address)
        else { return false }
        let identity = identity
        let budget = configuration.maxBytesBeforeAuthentication
        do {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connectTimeout(.nanoseconds(timeout.nanoseconds))
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
            return try await channel.executeThenClose { inbound, _ in
                try await withDeadline(timeout, "a dial-back", expire: { try? await channel.channel.close() }) {
                    var reader = ByteReader(inbound, budget: budget)
                    let upgraded = try await Upgrader(role: .dialer, identity: identity, expectedPeer: peer)
                        .upgrade(reader: &reader, outbound: ByteWriter(ChannelFrameWriter(channel.channel)))
                    return upgraded.remotePeer == peer
                }
            }
        } catch {
            return false
        }
    }
}

/// Direct (not relayed) addresses only.
enum CircuitAddressCheck {
    static func isDirect(_ address: Multiaddr) -> Bool { !address.components.contains(.p2pCircuit) }
}
