import LibP2PCore

/// Which addresses take part in a hole punch: ours worth sending in `CONNECT`, and the peer's
/// worth dialling.
///
/// An address qualifies when it is direct (no `/p2p-circuit`), its transport is TCP or QUIC v1
/// (``NATTransport``), and its IP is of a scope the ``policy`` allows (public only by default;
/// a flag for namespace tests allows private ones). A trailing `/p2p/<id>` is removed, as
/// go-libp2p, rust-libp2p and py-libp2p send bare addresses; duplicates are dropped.
public struct HolePunchAddressFilter: Sendable, Hashable {
    /// The scopes accepted.
    public var policy: NATAddressPolicy
    /// The most addresses returned.
    public var limit: Int

    /// A filter.
    ///
    /// - Parameters:
    ///   - policy: The scopes accepted. Default public only.
    ///   - limit: The most addresses returned. Default ``HolePunchProtocol/maxAddresses``.
    public init(policy: NATAddressPolicy = .publicOnly, limit: Int = HolePunchProtocol.maxAddresses) {
        self.policy = policy
        self.limit = limit
    }

    /// Our addresses worth sending: observed ones (what peers see through our NAT, from
    /// Identify) first, then listen addresses.
    ///
    /// - Parameters:
    ///   - observed: Addresses peers observed us on.
    ///   - listen: Addresses we listen on.
    /// - Returns: At most ``limit`` addresses.
    public func advertisable(observed: [Multiaddr], listen: [Multiaddr]) -> [Multiaddr] {
        select(observed + listen)
    }

    /// The peer's addresses worth dialling, in the order given.
    ///
    /// - Parameter addresses: Addresses from `CONNECT` or Identify.
    /// - Returns: At most ``limit`` addresses.
    public func dialable(_ addresses: [Multiaddr]) -> [Multiaddr] {
        select(addresses)
    }

    private func select(_ candidates: [Multiaddr]) -> [Multiaddr] {
        var chosen: [Multiaddr] = []
        for candidate in candidates where chosen.count < limit {
            let address = candidate.removingTrailingPeerID ?? candidate
            guard policy.allows(address), NATTransport(address: address) != nil, !chosen.contains(address) else { continue }
            chosen.append(address)
        }
        return chosen
    }
}
