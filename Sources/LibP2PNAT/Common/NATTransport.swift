import LibP2PCore

/// The direct transports NAT traversal knows how to dial, recognised from an address's
/// shape: `/ip4|ip6/<ip>/tcp/<port>` and `/ip4|ip6/<ip>/udp/<port>/quic-v1`, each optionally
/// ending in `/p2p/<id>`. DNS names, relays, WebSockets and the rest are not hole-punchable
/// and are not dialled back.
public enum NATTransport: Sendable, Hashable, CaseIterable {
    /// TCP: hole punched with a TCP simultaneous open.
    case tcp
    /// QUIC v1 over UDP: the spec's server side sends random UDP packets instead of dialling.
    case quicV1

    /// The transport of an address of one of the two shapes, or nil.
    ///
    /// - Parameter address: The address.
    public init?(address: Multiaddr) {
        var components = address.components[...]
        if case .p2p = components.last { components = components.dropLast() }
        guard let first = components.first else { return nil }
        switch first {
        case .ip4, .ip6: break
        default: return nil
        }
        let rest = Array(components.dropFirst())
        switch rest.count {
        case 1:
            guard case .tcp = rest[0] else { return nil }
            self = .tcp
        case 2:
            guard case .udp = rest[0], rest[1] == .quicV1 else { return nil }
            self = .quicV1
        default:
            return nil
        }
    }
}
