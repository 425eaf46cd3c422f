/// Where an IP address can be reached from, as far as NAT traversal cares: only `public`
/// addresses are worth asking a stranger to dial or sending for a hole punch.
///
/// Ranges (IANA special-purpose registries, as go-libp2p's `manet` reads them):
/// - `loopback`: 127.0.0.0/8, ::1.
/// - `private`: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10 (carrier-grade NAT),
///   fc00::/7 (unique local).
/// - `linkLocal`: 169.254.0.0/16, fe80::/10.
/// - `unspecified`: 0.0.0.0/8, ::.
/// - `reserved`: documentation (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32),
///   192.0.0.0/24, 198.18.0.0/15 (benchmarking), multicast (224.0.0.0/4, ff00::/8),
///   240.0.0.0/4 and broadcast, and IPv6 outside 2000::/3.
/// - `public`: everything else. IPv4-mapped (::ffff:0:0/96) and NAT64 (64:ff9b::/96) IPv6
///   addresses take the scope of the IPv4 address inside.
public enum IPAddressScope: Sendable, Hashable, CaseIterable {
    /// Globally routable.
    case `public`
    /// A private network behind a NAT (RFC 1918, carrier-grade NAT, IPv6 unique local).
    case `private`
    /// This host only.
    case loopback
    /// This link only.
    case linkLocal
    /// No address (`0.0.0.0`, `::`).
    case unspecified
    /// Documentation, benchmarking, multicast and other ranges no peer can be dialled on.
    case reserved

    /// The scope of a 4-byte IPv4 or 16-byte IPv6 address; nil for any other length.
    ///
    /// - Parameter bytes: The address in network order.
    public init?(address bytes: [UInt8]) {
        switch bytes.count {
        case 4: self = Self.ipv4(bytes[0], bytes[1], bytes[2], bytes[3])
        case 16: self = Self.ipv6(bytes)
        default: return nil
        }
    }

    private static func ipv4(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) -> IPAddressScope {
        switch (a, b, c) {
        case (0, _, _): .unspecified
        case (127, _, _): .loopback
        case (10, _, _), (172, 16...31, _), (192, 168, _), (100, 64...127, _): .private
        case (169, 254, _): .linkLocal
        case (192, 0, 0), (192, 0, 2), (198, 51, 100), (203, 0, 113), (198, 18...19, _): .reserved
        case (224..., _, _): .reserved
        default: .public
        }
    }

    private static func ipv6(_ bytes: [UInt8]) -> IPAddressScope {
        if bytes.allSatisfy({ $0 == 0 }) { return .unspecified }
        if bytes[0..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return .loopback }
        // IPv4-mapped ::ffff:a.b.c.d and NAT64 64:ff9b::a.b.c.d carry an IPv4 address.
        let mapped = bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF
        let nat64 = bytes[0..<4] == [0x00, 0x64, 0xFF, 0x9B] && bytes[4..<12].allSatisfy { $0 == 0 }
        if mapped || nat64 { return ipv4(bytes[12], bytes[13], bytes[14], bytes[15]) }
        if bytes[0] == 0xFF { return .reserved }
        if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80 { return .linkLocal }
        if bytes[0] & 0xFE == 0xFC { return .private }
        if bytes[0..<4] == [0x20, 0x01, 0x0D, 0xB8] { return .reserved }
        // Only 2000::/3 is global unicast.
        return bytes[0] & 0xE0 == 0x20 ? .public : .reserved
    }
}
