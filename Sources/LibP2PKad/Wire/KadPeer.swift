import LibP2PCore

/// A peer as listed in `closerPeers` and `providerPeers`: its ID, its addresses and what the
/// sender knows of its connection to it.
public struct KadPeer: Sendable, Hashable {
    /// The spec's `ConnectionType`.
    public enum Connection: Int, Sendable, Hashable {
        /// The sender has no connection and no other information (the default).
        case notConnected = 0
        /// The sender has a live connection.
        case connected = 1
        /// The sender recently connected.
        case canConnect = 2
        /// The sender tried hard to connect and failed.
        case cannotConnect = 3
    }

    /// The peer ID.
    public var id: PeerID
    /// The peer's addresses (bounded by ``KadConfiguration/maxAddressesPerPeer`` on decode).
    public var addresses: [Multiaddr]
    /// The connection hint.
    public var connection: Connection

    /// A peer entry.
    ///
    /// - Parameters:
    ///   - id: The peer ID.
    ///   - addresses: Its addresses.
    ///   - connection: The connection hint.
    public init(id: PeerID, addresses: [Multiaddr] = [], connection: Connection = .notConnected) {
        self.id = id
        self.addresses = addresses
        self.connection = connection
    }
}
