import LibP2PCore

/// What the swarm tells its owner.
public enum SwarmEvent: Sendable, Equatable {
    case peerConnected(PeerID)
    case peerDisconnected(PeerID)
    case peerIdentified(PeerID)
    case listening(Multiaddr)
}

/// A connected peer as `node.peers` shows it.
public struct PeerSnapshot: Sendable, Equatable {
    public var peer: PeerID
    public var addresses: [Multiaddr]
    public var protocols: [String]
    public var agentVersion: String?
    public var latency: Duration?
    public var connections: Int
}
