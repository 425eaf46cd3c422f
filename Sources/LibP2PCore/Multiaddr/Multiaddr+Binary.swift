extension Multiaddr {
    /// Parses the binary form, `(<code uvarint><value>)+`.
    ///
    /// Refused with a ``MultiaddrError`` saying why: empty input, more than
    /// ``maxBinaryLength`` bytes, broken varints, unknown codes, values cut off by the end of
    /// the input, and values invalid for their protocol (a `p2p` that is not a peer ID, a
    /// name that is not UTF-8, …).
    ///
    /// - Parameter bytes: The binary multiaddr, e.g. `04 7f000001 06 0fa1`.
    /// - Throws: ``MultiaddrError``.
    public init(bytes: some Collection<UInt8>) throws(MultiaddrError) {
        guard !bytes.isEmpty else { throw .empty }
        guard bytes.count <= Self.maxBinaryLength else { throw .tooLong(limit: Self.maxBinaryLength) }
        let input = Array(bytes)
        var index = 0
        var components: [Component] = []
        while index < input.count {
            let (code, codeLength) = try Self.varint(input[index...], protocol: nil)
            index += codeLength
            guard let info = MultiaddrProtocol.withCode(code) else { throw .unknownProtocolCode(code) }
            let valueLength: Int
            switch info.size {
            case .none:
                valueLength = 0
            case .fixed(let size):
                valueLength = size
            case .variable:
                let (length, lengthLength) = try Self.varint(input[index...], protocol: info.name)
                index += lengthLength
                guard length <= UInt64(input.count - index) else { throw .truncated(protocol: info.name) }
                valueLength = Int(length)
            }
            guard valueLength <= input.count - index else { throw .truncated(protocol: info.name) }
            let value = input[index..<index + valueLength]
            index += valueLength
            let component = try Self.component(info, value: value)
            try component.validate()
            components.append(component)
        }
        self.init(validated: components)
    }

    private static func varint(_ bytes: ArraySlice<UInt8>, protocol name: String?) throws(MultiaddrError) -> (UInt64, Int) {
        do {
            return try Varint.decode(bytes)
        } catch {
            if error == .truncated { throw .truncated(protocol: name) }
            throw .invalidVarint
        }
    }

    /// The component for a protocol and its binary value (whose length already matches a
    /// fixed-size protocol).
    private static func component(_ info: MultiaddrProtocol, value: ArraySlice<UInt8>) throws(MultiaddrError) -> Component {
        switch info {
        case .ip4: return .ip4(Array(value))
        case .ip6: return .ip6(Array(value))
        case .tcp: return .tcp(UInt16(value.first!) << 8 | UInt16(value.last!))
        case .udp: return .udp(UInt16(value.first!) << 8 | UInt16(value.last!))
        case .dns: return .dns(try name(value, protocol: info.name))
        case .dns4: return .dns4(try name(value, protocol: info.name))
        case .dns6: return .dns6(try name(value, protocol: info.name))
        case .dnsaddr: return .dnsaddr(try name(value, protocol: info.name))
        case .sni: return .sni(try name(value, protocol: info.name))
        case .p2p:
            do {
                return .p2p(try PeerID(bytes: Array(value)))
            } catch {
                throw .invalidPeerID(.invalidPeerID(error))
            }
        case .certhash: return .certhash(Array(value))
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
        default: throw .unknownProtocolCode(info.code)
        }
    }

    /// A UTF-8 name value.
    private static func name(_ value: ArraySlice<UInt8>, protocol name: String) throws(MultiaddrError) -> String {
        guard let text = String(validating: value, as: UTF8.self) else { throw .invalidName(protocol: name) }
        return text
    }
}
