import LibP2PCore

/// A `DIAL` request as a client sends it: "dial me back, I am `peerID`, on these addresses".
public struct AutoNATDialRequest: Sendable, Hashable {
    /// The requester's own peer ID (servers refuse a request naming anyone else).
    public var peerID: PeerID
    /// The addresses to be dialled on (a server only tries those based on the IP it observes).
    public var addresses: [Multiaddr]

    /// A request.
    ///
    /// - Parameters:
    ///   - peerID: The requester's peer ID.
    ///   - addresses: The addresses to be dialled on.
    public init(peerID: PeerID, addresses: [Multiaddr]) {
        self.peerID = peerID
        self.addresses = addresses
    }
}

/// A `DIAL` request as a server receives it, not yet checked against the connection it came
/// on: the peer ID is only a claim, and the addresses are whatever the sender chose.
/// ``AutoNATServer`` turns it into an ``AutoNATDialBack`` or a refusal.
public struct AutoNATDialRequestIn: Sendable, Hashable {
    /// The peer ID the request claims.
    public let claimedPeerID: PeerID
    /// The addresses that parsed, in the order sent.
    public let addresses: [Multiaddr]
    /// How many entries of `addrs` were dropped because they were not multiaddrs we parse.
    public let unparsableAddressCount: Int

    /// An unverified request (as decoded, or built by tests).
    ///
    /// - Parameters:
    ///   - claimedPeerID: The peer ID the request names.
    ///   - addresses: The addresses that parsed.
    ///   - unparsableAddressCount: Entries dropped while decoding.
    public init(claimedPeerID: PeerID, addresses: [Multiaddr], unparsableAddressCount: Int = 0) {
        self.claimedPeerID = claimedPeerID
        self.addresses = addresses
        self.unparsableAddressCount = unparsableAddressCount
    }
}
