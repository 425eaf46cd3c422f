import LibP2PCore
import NIOCore
import NIOPosix

extension Swarm {
    /// A hole-punching dial: from our listening port (both sockets carry SO_REUSEPORT), so
    /// that the NAT maps it as it mapped what the peer observed, to `address`. With
    /// `asListener` the security handshake runs as the responder, the initiator's half of a
    /// TCP simultaneous open (DCUtR). Returns the peer once the connection is upgraded.
    func dialHolePunch(_ address: Multiaddr, expecting peer: PeerID, asListener: Bool, timeout: Duration) async throws -> PeerID {
        guard !closed else { throw LibP2PError.connectionClosed }
        let (host, port) = try TCPAddress.hostAndPort(of: address)
        let localPort = listenAddresses.compactMap(\.tcpPort).first
        var bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(reusePortOption, value: 1)
            .connectTimeout(.nanoseconds(timeout.nanoseconds))
        if let localPort {
            bootstrap = bootstrap.bind(to: try SocketAddress(ipAddress: "0.0.0.0", port: Int(localPort)))
        }
        let socket: Socket
        let budget = configuration.maxBytesBeforeAuthentication
        do {
            socket = try await bootstrap.connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture { try Self.socket(channel, budget: budget) }
            }
        } catch {
            throw LibP2PError.dialFailed("\(address): \(error)")
        }
        return try await withCheckedThrowingContinuation { continuation in
            startUpgrade(socket, role: asListener ? .listener : .dialer, expectedPeer: peer, upgraded: continuation)
        }
    }

    /// Whether a direct (not relayed) connection to `peer` is open.
    public func isDirectlyConnected(to peer: PeerID) -> Bool {
        connections[peer]?.contains { !$0.isRelayed } ?? false
    }

    /// Whether our only connections to `peer` are relayed and the peer opened them (it
    /// dialled us through a relay): then we start DCUtR.
    public func hasOnlyInboundRelayedConnection(to peer: PeerID) -> Bool {
        guard let list = connections[peer], !list.isEmpty else { return false }
        return list.allSatisfy { $0.isRelayed && !$0.isDialer }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SO_REUSEPORT (NIO names SO_REUSEADDR but not this one).
let reusePortOption = ChannelOptions.socket(SocketOptionLevel(SOL_SOCKET), SO_REUSEPORT)
