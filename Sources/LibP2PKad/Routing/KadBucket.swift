import LibP2PCore

/// One k-bucket: up to k peers that share the same number of leading bits with the local key,
/// least recently seen first, plus at most one pending liveness check.
struct KadBucket: Sendable {
    /// The peers, least recently seen first.
    var entries: [KadRoutingTable.Entry] = []
    /// The check in progress: the least recently seen peer is being pinged, and `candidate`
    /// takes its place if the ping fails.
    var pendingCheck: KadRoutingTable.LivenessCheck?

    func index(of peer: PeerID) -> Int? {
        entries.firstIndex { $0.peer.id == peer }
    }
}
