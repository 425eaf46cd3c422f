/// One row of the multiaddr protocol table (multiformats/multiaddr `protocols.csv`) that
/// this implementation understands: its code, name and how its value is sized in binary.
struct MultiaddrProtocol: Sendable, Hashable {
    /// How a protocol's value is laid out in the binary form.
    enum Size: Sendable, Hashable {
        /// No value (`/p2p-circuit`, `/tls`, …).
        case none
        /// A value of exactly this many bytes (`/ip4` 4, `/tcp` 2, …).
        case fixed(Int)
        /// A uvarint length followed by that many bytes (`/dns`, `/p2p`, …).
        case variable
    }

    /// The multicodec code.
    let code: UInt64
    /// The canonical name in the string form.
    let name: String
    /// How the value is sized in binary.
    let size: Size

    static let ip4 = MultiaddrProtocol(code: 4, name: "ip4", size: .fixed(4))
    static let tcp = MultiaddrProtocol(code: 6, name: "tcp", size: .fixed(2))
    static let udp = MultiaddrProtocol(code: 273, name: "udp", size: .fixed(2))
    static let ip6 = MultiaddrProtocol(code: 41, name: "ip6", size: .fixed(16))
    static let dns = MultiaddrProtocol(code: 53, name: "dns", size: .variable)
    static let dns4 = MultiaddrProtocol(code: 54, name: "dns4", size: .variable)
    static let dns6 = MultiaddrProtocol(code: 55, name: "dns6", size: .variable)
    static let dnsaddr = MultiaddrProtocol(code: 56, name: "dnsaddr", size: .variable)
    static let p2p = MultiaddrProtocol(code: 421, name: "p2p", size: .variable)
    static let tls = MultiaddrProtocol(code: 448, name: "tls", size: .none)
    static let sni = MultiaddrProtocol(code: 449, name: "sni", size: .variable)
    static let noise = MultiaddrProtocol(code: 454, name: "noise", size: .none)
    static let quic = MultiaddrProtocol(code: 460, name: "quic", size: .none)
    static let quicV1 = MultiaddrProtocol(code: 461, name: "quic-v1", size: .none)
    static let webtransport = MultiaddrProtocol(code: 465, name: "webtransport", size: .none)
    static let certhash = MultiaddrProtocol(code: 466, name: "certhash", size: .variable)
    static let http = MultiaddrProtocol(code: 480, name: "http", size: .none)
    static let ws = MultiaddrProtocol(code: 477, name: "ws", size: .none)
    static let wss = MultiaddrProtocol(code: 478, name: "wss", size: .none)
    static let webrtcDirect = MultiaddrProtocol(code: 280, name: "webrtc-direct", size: .none)
    static let webrtc = MultiaddrProtocol(code: 281, name: "webrtc", size: .none)
    static let p2pCircuit = MultiaddrProtocol(code: 290, name: "p2p-circuit", size: .none)

    /// Every supported protocol.
    static let all: [MultiaddrProtocol] = [
        ip4, tcp, udp, ip6, dns, dns4, dns6, dnsaddr, p2p, tls, sni, noise, quic, quicV1,
        webtransport, certhash, http, ws, wss, webrtcDirect, webrtc, p2pCircuit,
    ]

    private static let byName: [String: MultiaddrProtocol] = {
        var table = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
        table["ipfs"] = p2p  // the table's backwards-compatible alias
        return table
    }()

    private static let byCode: [UInt64: MultiaddrProtocol] = Dictionary(
        uniqueKeysWithValues: all.map { ($0.code, $0) }
    )

    /// The protocol with this string-form name (`ipfs` is read as `p2p`), if supported.
    static func named(_ name: Substring) -> MultiaddrProtocol? { byName[String(name)] }

    /// The protocol with this code, if supported.
    static func withCode(_ code: UInt64) -> MultiaddrProtocol? { byCode[code] }
}
