extension Multiaddr {
    /// Parses the string form, `(/<protocol>/<value>)+`.
    ///
    /// Accepted: the protocols of ``Component``, `ipfs` as an alias of `p2p`, peer IDs in
    /// base58btc or CIDv1 text, `certhash` in any supported multibase. Refused with a
    /// ``MultiaddrError`` saying why: empty input, a missing leading `/`, `//` or a
    /// trailing `/`, unknown protocol names, missing or malformed values, and text over
    /// ``maxStringLength`` bytes or whose binary form would exceed ``maxBinaryLength``.
    ///
    /// - Parameter string: The text, e.g. `/ip4/127.0.0.1/tcp/4001`.
    /// - Throws: ``MultiaddrError``.
    public init(_ string: String) throws(MultiaddrError) {
        let utf8 = Array(string.utf8)
        guard !utf8.isEmpty, utf8 != [UInt8(ascii: "/")] else { throw .empty }
        guard utf8.count <= Self.maxStringLength else { throw .tooLong(limit: Self.maxStringLength) }
        guard utf8.first == UInt8(ascii: "/") else { throw .missingLeadingSlash }
        var parts = utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).dropFirst()[...]
        var components: [Component] = []
        while let name = parts.popFirst() {
            guard !name.isEmpty else { throw .emptyProtocolName }
            let nameText = String(decoding: name, as: UTF8.self)
            guard let info = MultiaddrProtocol.named(Substring(nameText)) else {
                throw .unknownProtocolName(String(nameText.prefix(32)))
            }
            if info.size == .none {
                components.append(try Self.component(info, text: []))
            } else {
                guard let value = parts.popFirst(), !value.isEmpty else {
                    throw .missingValue(protocol: info.name)
                }
                components.append(try Self.component(info, text: value))
            }
        }
        try self.init(components)
    }

    /// The component for a protocol and its text value.
    private static func component(_ info: MultiaddrProtocol, text: ArraySlice<UInt8>) throws(MultiaddrError) -> Component {
        switch info {
        case .ip4:
            guard let bytes = IPAddressText.parseIPv4(text) else { throw .invalidIPv4 }
            return .ip4(bytes)
        case .ip6:
            guard let bytes = IPAddressText.parseIPv6(text) else { throw .invalidIPv6 }
            return .ip6(bytes)
        case .tcp: return .tcp(try port(text, protocol: info.name))
        case .udp: return .udp(try port(text, protocol: info.name))
        case .dns: return .dns(try name(text, protocol: info.name))
        case .dns4: return .dns4(try name(text, protocol: info.name))
        case .dns6: return .dns6(try name(text, protocol: info.name))
        case .dnsaddr: return .dnsaddr(try name(text, protocol: info.name))
        case .sni: return .sni(try name(text, protocol: info.name))
        case .p2p:
            do {
                return .p2p(try PeerID(text: String(decoding: text, as: UTF8.self)))
            } catch {
                throw .invalidPeerID(error)
            }
        case .certhash:
            guard let decoded = try? Multibase.decode(String(decoding: text, as: UTF8.self)).bytes,
                  (try? Multihash(bytes: decoded)) != nil
            else { throw .invalidCerthash }
            return .certhash(decoded)
        case .p2pCircuit: return .p2pCircuit
        case .quic: return .quic
        case .quicV1: return .quicV1
        case .tls: return .tls
        case .noise: return .noise
        case .ws: return .ws
        case .wss: return .wss
        case .http: return .http
        case .webtransport: return .webtransport
        case .webrtcDirect: return .webrtcDirect
        case .webrtc: return .webrtc
        default: throw .unknownProtocolName(info.name)
        }
    }

    /// A decimal port 0–65535 (leading zeros tolerated, nothing else).
    private static func port(_ text: ArraySlice<UInt8>, protocol name: String) throws(MultiaddrError) -> UInt16 {
        guard (1...5).contains(text.count) else { throw .invalidPort(protocol: name) }
        var value = 0
        for digit in text {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) else { throw .invalidPort(protocol: name) }
            value = value * 10 + Int(digit - UInt8(ascii: "0"))
        }
        guard value <= Int(UInt16.max) else { throw .invalidPort(protocol: name) }
        return UInt16(value)
    }

    /// A name value (validated again with the component).
    private static func name(_ text: ArraySlice<UInt8>, protocol name: String) throws(MultiaddrError) -> String {
        guard Component.isValidName(text) else { throw .invalidName(protocol: name) }
        return String(decoding: text, as: UTF8.self)
    }
}
