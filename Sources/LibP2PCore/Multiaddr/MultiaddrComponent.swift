extension Multiaddr {
    /// One `/<protocol>/<value>` step of a multiaddr.
    ///
    /// Values are checked when a ``Multiaddr`` is built from components
    /// (``Multiaddr/init(_:)``): `ip4` must hold 4 bytes, `ip6` 16, names must be valid
    /// (see ``MultiaddrError/invalidName(protocol:)``) and `certhash` a multihash.
    public enum Component: Sendable, Hashable, CustomStringConvertible {
        /// `/ip4/<a.b.c.d>`: 4 bytes, network order.
        case ip4([UInt8])
        /// `/ip6/<address>`: 16 bytes, network order.
        case ip6([UInt8])
        /// `/dns/<name>`: a name resolved to IPv4 and IPv6 addresses.
        case dns(String)
        /// `/dns4/<name>`: a name resolved to IPv4 addresses only.
        case dns4(String)
        /// `/dns6/<name>`: a name resolved to IPv6 addresses only.
        case dns6(String)
        /// `/dnsaddr/<name>`: a name whose TXT records hold multiaddrs.
        case dnsaddr(String)
        /// `/tcp/<port>`.
        case tcp(UInt16)
        /// `/udp/<port>`.
        case udp(UInt16)
        /// `/p2p/<peer ID>` (also read as `/ipfs/…`).
        case p2p(PeerID)
        /// `/p2p-circuit`: the rest of the address is reached through the relay on the left.
        case p2pCircuit
        /// `/quic` (draft-29; read and written, but Variance dials `quic-v1`).
        case quic
        /// `/quic-v1` (RFC 9000).
        case quicV1
        /// `/tls`.
        case tls
        /// `/sni/<server name>`.
        case sni(String)
        /// `/noise`.
        case noise
        /// `/ws`.
        case ws
        /// `/wss` (deprecated alias for `/tls/ws`, still widely seen).
        case wss
        /// `/http`.
        case http
        /// `/webtransport`.
        case webtransport
        /// `/certhash/<multibase multihash>`: binary value is the multihash; text is written in
        /// base64url (`u…`) and read in any supported multibase.
        case certhash([UInt8])
        /// `/webrtc-direct`.
        case webrtcDirect
        /// `/webrtc`.
        case webrtc

        /// The protocol table row.
        var protocolInfo: MultiaddrProtocol {
            switch self {
            case .ip4: .ip4
            case .ip6: .ip6
            case .dns: .dns
            case .dns4: .dns4
            case .dns6: .dns6
            case .dnsaddr: .dnsaddr
            case .tcp: .tcp
            case .udp: .udp
            case .p2p: .p2p
            case .p2pCircuit: .p2pCircuit
            case .quic: .quic
            case .quicV1: .quicV1
            case .tls: .tls
            case .sni: .sni
            case .noise: .noise
            case .ws: .ws
            case .wss: .wss
            case .http: .http
            case .webtransport: .webtransport
            case .certhash: .certhash
            case .webrtcDirect: .webrtcDirect
            case .webrtc: .webrtc
            }
        }

        /// The protocol code from the multiaddr table (e.g. 6 for `tcp`).
        public var protocolCode: UInt64 { protocolInfo.code }

        /// The protocol name in the string form (e.g. `tcp`).
        public var protocolName: String { protocolInfo.name }

        /// The value in its canonical text form (`127.0.0.1`, `4001`, `12D3KooW…`), or nil for
        /// protocols without a value.
        public var value: String? {
            switch self {
            case .ip4(let bytes): IPAddressText.formatIPv4(bytes)
            case .ip6(let bytes): IPAddressText.formatIPv6(bytes)
            case .dns(let name), .dns4(let name), .dns6(let name), .dnsaddr(let name), .sni(let name): name
            case .tcp(let port), .udp(let port): String(port)
            case .p2p(let peerID): peerID.description
            case .certhash(let multihash): Multibase.encode(multihash, as: .base64url)
            case .p2pCircuit, .quic, .quicV1, .tls, .noise, .ws, .wss, .http, .webtransport, .webrtcDirect, .webrtc:
                nil
            }
        }

        /// The value in the binary form, without the code and without a length prefix.
        var valueBytes: [UInt8] {
            switch self {
            case .ip4(let bytes), .ip6(let bytes), .certhash(let bytes): bytes
            case .dns(let name), .dns4(let name), .dns6(let name), .dnsaddr(let name), .sni(let name):
                Array(name.utf8)
            case .tcp(let port), .udp(let port): [UInt8(port >> 8), UInt8(port & 0xFF)]
            case .p2p(let peerID): peerID.bytes
            case .p2pCircuit, .quic, .quicV1, .tls, .noise, .ws, .wss, .http, .webtransport, .webrtcDirect, .webrtc:
                []
            }
        }

        /// Appends the binary form (code, length prefix if variable, value) to `buffer`.
        func encode(into buffer: inout [UInt8]) {
            let info = protocolInfo
            Varint.encode(info.code, into: &buffer)
            let value = valueBytes
            if info.size == .variable {
                Varint.encode(UInt64(value.count), into: &buffer)
            }
            buffer += value
        }

        /// `/<name>` or `/<name>/<value>`.
        public var description: String {
            if let value { "/\(protocolName)/\(value)" } else { "/\(protocolName)" }
        }

        /// Checks the invariants the enum cannot express.
        func validate() throws(MultiaddrError) {
            switch self {
            case .ip4(let bytes): guard bytes.count == 4 else { throw .invalidIPv4 }
            case .ip6(let bytes): guard bytes.count == 16 else { throw .invalidIPv6 }
            case .dns(let name), .dns4(let name), .dns6(let name), .dnsaddr(let name), .sni(let name):
                guard Self.isValidName(name.utf8) else { throw .invalidName(protocol: protocolName) }
            case .certhash(let bytes):
                guard (try? Multihash(bytes: bytes)) != nil else { throw .invalidCerthash }
            case .tcp, .udp, .p2p, .p2pCircuit, .quic, .quicV1, .tls, .noise, .ws, .wss, .http, .webtransport,
                .webrtcDirect, .webrtc:
                break
            }
        }

        /// A name value: 1–255 bytes, no `/`, no ASCII control characters.
        static func isValidName(_ utf8: some Collection<UInt8>) -> Bool {
            (1...255).contains(utf8.count) && !utf8.contains { $0 == UInt8(ascii: "/") || $0 < 0x20 || $0 == 0x7F }
        }
    }
}
