/// Why text or bytes are not a multiaddr we accept. Each case's ``description`` is a
/// sentence saying what is wrong; protocol names and values quoted in it are bounded.
public enum MultiaddrError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The input is empty (or just `/`): a multiaddr has at least one component.
    case empty
    /// The input is longer than the limit (``Multiaddr/maxBinaryLength`` bytes in binary,
    /// ``Multiaddr/maxStringLength`` bytes as text).
    case tooLong(limit: Int)
    /// The string form does not start with `/`.
    case missingLeadingSlash
    /// The string form has `//` or ends with `/`, where a protocol name should be.
    case emptyProtocolName
    /// A protocol name that is not in the table, or that this implementation does not support
    /// (quoted, at most 32 characters).
    case unknownProtocolName(String)
    /// The string form ends where this protocol's value should be.
    case missingValue(protocol: String)
    /// An `ip4` value that is not four dotted decimal numbers 0–255 without leading zeros.
    case invalidIPv4
    /// An `ip6` value that is not an RFC 4291 text address (zones are not accepted).
    case invalidIPv6
    /// A `tcp` or `udp` port that is not a decimal number 0–65535.
    case invalidPort(protocol: String)
    /// A name (`dns*`, `sni`) that is empty, over 255 bytes, not UTF-8, or contains `/` or
    /// a control character.
    case invalidName(protocol: String)
    /// A `p2p` value that is not a peer ID.
    case invalidPeerID(PeerID.TextError)
    /// A `certhash` value that is not multibase text of a multihash.
    case invalidCerthash
    /// A protocol code or value length in the binary form is not a valid unsigned varint.
    case invalidVarint
    /// A protocol code that is not in the table or not supported here.
    case unknownProtocolCode(UInt64)
    /// The binary form ends inside this protocol's value (nil: inside a protocol code).
    case truncated(protocol: String?)
    /// A binary value whose length is wrong for its protocol.
    case invalidValueLength(protocol: String)

    /// A sentence saying what is wrong.
    public var description: String {
        switch self {
        case .empty: "multiaddr is empty"
        case .tooLong(let limit): "multiaddr is longer than \(limit) bytes"
        case .missingLeadingSlash: "multiaddr text must start with \"/\""
        case .emptyProtocolName: "multiaddr text has an empty protocol name (a doubled or trailing \"/\")"
        case .unknownProtocolName(let name): "unknown or unsupported multiaddr protocol \"\(name)\""
        case .missingValue(let name): "multiaddr protocol \"\(name)\" needs a value"
        case .invalidIPv4: "invalid IPv4 address (expected four decimal numbers 0-255, like 192.0.2.1)"
        case .invalidIPv6: "invalid IPv6 address"
        case .invalidPort(let name): "invalid \(name) port (expected a decimal number 0-65535)"
        case .invalidName(let name): "invalid \(name) name (empty, too long, not UTF-8, or containing \"/\")"
        case .invalidPeerID(let error): "invalid p2p value: \(error)"
        case .invalidCerthash: "invalid certhash (expected multibase text of a multihash)"
        case .invalidVarint: "multiaddr bytes hold an invalid unsigned varint"
        case .unknownProtocolCode(let code): "unknown or unsupported multiaddr protocol code \(code)"
        case .truncated(let name?): "multiaddr bytes end inside the value of \"\(name)\""
        case .truncated(nil): "multiaddr bytes end inside a protocol code"
        case .invalidValueLength(let name): "multiaddr value of \"\(name)\" has the wrong length"
        }
    }
}
