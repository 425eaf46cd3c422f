import LibP2PCore

// Streams to connected peers, and Ping on top of them.
extension Swarm {
    /// Opens a stream to a connected peer and negotiates the first of `protocols` it speaks.
    public func newStream(to peer: PeerID, protocols: [String]) async throws -> LibP2PStream {
        try await openStream(to: peer, protocols: protocols, timeout: nil)
    }

    /// Opens a stream, negotiating within `timeout` (and never longer than
    /// ``SwarmConfiguration/streamNegotiationTimeout``).
    /// A stream for `protocolID` to a connected peer, opened optimistically (without waiting
    /// for the negotiation's answer) when identify told us the peer speaks it.
    func openStreamFast(to peer: PeerID, protocolID: String, timeout: Duration?) async throws -> LibP2PStream {
        guard identified[peer]?.protocols.contains(protocolID) == true,
            let list = connections[peer], let connection = list.first(where: { !$0.isRelayed }) ?? list.first
        else { return try await openStream(to: peer, protocols: [protocolID], timeout: timeout) }
        return try await connection.openStreamOptimistically(protocolID)
    }

    func openStream(to peer: PeerID, protocols: [String], timeout: Duration?) async throws -> LibP2PStream {
        // A direct connection rather than a relayed one, when there are both.
        guard let list = connections[peer], let connection = list.first(where: { !$0.isRelayed }) ?? list.first else {
            throw LibP2PError.connectionClosed
        }
        return try await connection.openStream(protocols: protocols, timeout: timeout)
    }

    /// Sends `count` pings to a connected peer; records the median as its latency.
    public func ping(_ peer: PeerID, count: Int = 1) async throws -> [Duration] {
        let stream = try await newStream(to: peer, protocols: [Ping.protocolID])
        let rtts = try await Ping.run(stream, count: count)
        // Only while connected: a peer that left meanwhile must leave nothing behind.
        if let median = rtts.sorted().dropFirst(rtts.count / 2).first, isConnected(to: peer) {
            latencies[peer] = median
        }
        return rtts
    }
}
