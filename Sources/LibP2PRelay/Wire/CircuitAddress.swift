import LibP2PCore

/// `<relay address>/p2p/<relay>/p2p-circuit/p2p/<target>`, taken apart.
public struct CircuitAddress: Sendable, Hashable {
    /// How to reach the relay, ending in `/p2p/<relay>`.
    public var relay: Multiaddr
    public var relayPeer: PeerID
    /// Who is reached through it (nil for a bare `…/p2p-circuit` listen address).
    public var target: PeerID?

    /// Nil unless `address` has exactly one `/p2p-circuit` preceded by `/p2p/<relay>`
    /// (relays of relays are not dialled).
    public init?(_ address: Multiaddr) {
        let components = address.components
        guard let index = components.firstIndex(of: .p2pCircuit),
            components.filter({ $0 == .p2pCircuit }).count == 1, index > 0,
            case .p2p(let relayPeer) = components[index - 1]
        else { return nil }
        let rest = components[(index + 1)...]
        switch rest.count {
        case 0: target = nil
        case 1:
            guard case .p2p(let peer) = rest.first! else { return nil }
            target = peer
        default: return nil
        }
        guard let relay = try? Multiaddr(Array(components[..<index])) else { return nil }
        self.relay = relay
        self.relayPeer = relayPeer
    }

    /// The circuit address through `relay` (which ends in `/p2p/<relay>`) to `target`.
    public static func make(relay: Multiaddr, target: PeerID?) -> Multiaddr? {
        var components = relay.components + [.p2pCircuit]
        if let target { components.append(.p2p(target)) }
        return try? Multiaddr(components)
    }

    /// Whether `address` goes through a relay.
    public static func isRelayed(_ address: Multiaddr) -> Bool { address.components.contains(.p2pCircuit) }
}
