/// A multiaddr: a self-describing network address such as
/// `/ip4/192.0.2.1/tcp/4001/p2p/12D3KooW…`, in string and binary form
/// (multiformats/multiaddr).
///
/// A value always has at least one component, and its binary form is at most
/// ``maxBinaryLength`` bytes. Both forms are canonical on output (`ip6` compressed per
/// RFC 5952, peer IDs in base58btc, `certhash` in base64url), so
/// `Multiaddr(m.description) == m` and `Multiaddr(bytes: m.bytes) == m` always hold.
/// Only the protocols of ``Component`` are understood; any other name or code is refused
/// rather than carried opaquely.
///
/// Equality and hashing compare the binary form (so two names that differ only in Unicode
/// normalisation are different addresses, as they are on the wire).
public struct Multiaddr: Sendable, Hashable, CustomStringConvertible {
    /// The longest binary form accepted or built (1 KiB; real addresses are under 200 bytes).
    public static let maxBinaryLength = 1024
    /// The longest string form accepted: 8 KiB, above the longest text a binary form within
    /// ``maxBinaryLength`` can have (7 characters a byte: `/webrtc-direct` for a 2-byte
    /// code), so the description of every value parses again. (At 4 KiB, 415 `p2p-circuit`
    /// components, 830 bytes of binary, had a description the parser refused: found by fuzzing.)
    public static let maxStringLength = 8192

    /// The components, outermost (leftmost) first.
    public let components: [Component]

    /// The binary form: for each component its code as a uvarint, then its value (fixed
    /// size, or uvarint-length-prefixed).
    public let bytes: [UInt8]

    /// A multiaddr from components, checking their values.
    ///
    /// - Parameter components: At least one component.
    /// - Throws: ``MultiaddrError/empty``, ``MultiaddrError/tooLong(limit:)``, or the error
    ///   for an invalid value (an `ip4` that is not 4 bytes, a name containing `/`, …).
    public init(_ components: [Component]) throws(MultiaddrError) {
        guard !components.isEmpty else { throw .empty }
        var bytes: [UInt8] = []
        for component in components {
            try component.validate()
            component.encode(into: &bytes)
            guard bytes.count <= Self.maxBinaryLength else { throw .tooLong(limit: Self.maxBinaryLength) }
        }
        self.components = components
        self.bytes = bytes
    }

    /// Components already validated by a parser (non-empty, within the length limit).
    init(validated components: [Component]) {
        self.components = components
        var bytes: [UInt8] = []
        for component in components {
            component.encode(into: &bytes)
        }
        self.bytes = bytes
    }

    /// Equal when the binary forms are equal.
    public static func == (lhs: Multiaddr, rhs: Multiaddr) -> Bool {
        lhs.bytes == rhs.bytes
    }

    /// Hashes the binary form.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(bytes)
    }

    /// The canonical string form, e.g. `/ip6/2001:db8::1/udp/4001/quic-v1`.
    public var description: String {
        components.map(\.description).joined()
    }

    /// This address with one more component on the right (encapsulation).
    ///
    /// - Parameter component: The component to append.
    /// - Returns: The longer address.
    /// - Throws: ``MultiaddrError`` if the value is invalid or the result is too long.
    public func appending(_ component: Component) throws(MultiaddrError) -> Multiaddr {
        try Multiaddr(components + [component])
    }

    /// This address with another one's components appended on the right.
    ///
    /// - Parameter other: The address to encapsulate.
    /// - Returns: The longer address.
    /// - Throws: ``MultiaddrError/tooLong(limit:)``.
    public func appending(_ other: Multiaddr) throws(MultiaddrError) -> Multiaddr {
        try Multiaddr(components + other.components)
    }

    /// The peer ID of the last `/p2p` component (the peer the address finally reaches), if any.
    public var peerID: PeerID? {
        for case .p2p(let peerID) in components.reversed() { return peerID }
        return nil
    }

    /// The port of the first `/tcp` component, if any.
    public var tcpPort: UInt16? {
        for case .tcp(let port) in components { return port }
        return nil
    }

    /// The port of the first `/udp` component, if any.
    public var udpPort: UInt16? {
        for case .udp(let port) in components { return port }
        return nil
    }

    /// The address bytes (4 or 16) of the first `/ip4` or `/ip6` component, if any.
    public var ipAddress: [UInt8]? {
        for component in components {
            switch component {
            case .ip4(let bytes), .ip6(let bytes): return bytes
            default: continue
            }
        }
        return nil
    }

    /// This address without its trailing `/p2p/<id>` component, if it ends with one;
    /// otherwise nil (a lone `/p2p/<id>` has nothing left).
    public var removingTrailingPeerID: Multiaddr? {
        guard case .p2p = components.last, components.count > 1 else { return nil }
        return Multiaddr(validated: Array(components.dropLast()))
    }
}
