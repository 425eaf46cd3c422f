import LibP2PCore

/// Which address scopes a node treats as dialable: what the AutoNAT server agrees to dial back
/// and which of our addresses DCUtR sends.
///
/// On the internet only ``publicOnly`` makes sense. Tests in network namespaces (private
/// addresses behind a simulated NAT) use ``includingPrivate``, and tests on one host
/// ``includingLoopback``. Unspecified and reserved addresses are never dialable.
public struct NATAddressPolicy: Sendable, Hashable {
    /// The scopes accepted besides ``IPAddressScope/public``.
    public var extraScopes: Set<IPAddressScope>

    /// A policy accepting public addresses and the given scopes (unspecified and reserved are
    /// ignored).
    ///
    /// - Parameter extraScopes: Scopes accepted besides public ones.
    public init(extraScopes: Set<IPAddressScope> = []) {
        self.extraScopes = extraScopes.subtracting([.unspecified, .reserved])
    }

    /// Public addresses only (the default).
    public static let publicOnly = NATAddressPolicy()
    /// Public and private addresses (network-namespace tests, LANs).
    public static let includingPrivate = NATAddressPolicy(extraScopes: [.private])
    /// Public, private, link-local and loopback addresses (tests on one host).
    public static let includingLoopback = NATAddressPolicy(extraScopes: [.private, .linkLocal, .loopback])

    /// Whether an IP of this scope is accepted.
    ///
    /// - Parameter scope: The scope.
    public func allows(_ scope: IPAddressScope) -> Bool {
        scope == .public || extraScopes.contains(scope)
    }

    /// Whether a direct address is accepted: it must not be relayed, and its first component
    /// must be an IP of an accepted scope, or a DNS name (public unless it is `localhost` or
    /// under `.localhost`/`.local`, which only ``includingLoopback`` accepts).
    ///
    /// - Parameter address: The address.
    public func allows(_ address: Multiaddr) -> Bool {
        guard !address.isRelayed, let first = address.components.first else { return false }
        switch first {
        case .ip4(let bytes), .ip6(let bytes):
            guard let scope = IPAddressScope(address: bytes) else { return false }
            return allows(scope)
        case .dns(let name), .dns4(let name), .dns6(let name), .dnsaddr(let name):
            let lowered = name.lowercased()
            let local = lowered == "localhost" || lowered.hasSuffix(".localhost") || lowered.hasSuffix(".local")
            return local ? allows(.loopback) : true
        default:
            return false
        }
    }
}

extension Multiaddr {
    /// Whether the address goes through a relay (has a `/p2p-circuit` component).
    public var isRelayed: Bool {
        components.contains(.p2pCircuit)
    }

    /// The IP of the first component if it is `/ip4` or `/ip6`, with IPv4-mapped IPv6
    /// addresses (`::ffff:a.b.c.d`) reduced to their 4 IPv4 bytes, so that one host has one
    /// form to compare.
    public var leadingIP: [UInt8]? {
        switch components.first {
        case .ip4(let bytes): return bytes
        case .ip6(let bytes):
            if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
                return Array(bytes[12...])
            }
            return bytes
        default: return nil
        }
    }
}
