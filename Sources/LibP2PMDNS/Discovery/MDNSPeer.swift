import LibP2PCore

/// A peer found on the local network, with the addresses it announced (without their
/// trailing `/p2p/<id>`) and when that announcement runs out.
public struct MDNSPeer: Sendable, Hashable {
    /// The peer.
    public var peerID: PeerID
    /// Its announced addresses, without the trailing `/p2p/<id>`, in announcement order.
    public var addresses: [Multiaddr]
    /// When the records expire (the receive time plus the record TTL).
    public var expiresAt: MDNSInstant

    /// A discovered peer.
    public init(peerID: PeerID, addresses: [Multiaddr], expiresAt: MDNSInstant) {
        self.peerID = peerID
        self.addresses = addresses
        self.expiresAt = expiresAt
    }
}
