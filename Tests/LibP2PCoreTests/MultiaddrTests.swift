import Foundation
import LibP2PCore
import Testing

/// Multiaddr string and binary forms, against the multiaddr protocol table and hand-written cases.
struct MultiaddrTests {
    static let ed25519Peer = "12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA"
    static let rsaPeer = "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N"
    static let certhash = Multibase.encode(Multihash.hash(Array("cert".utf8), with: .sha2_256)!.bytes, as: .base64url)

    /// A sample value for each supported protocol of the table (nil: no value).
    static let samples: [String: String?] = [
        "ip4": "192.0.2.1", "tcp": "4001", "udp": "443", "ip6": "2001:db8::1", "dns": "example.com",
        "dns4": "example.com", "dns6": "example.com", "dnsaddr": "bootstrap.libp2p.io", "p2p": ed25519Peer,
        "ipfs": rsaPeer, "tls": nil, "sni": "example.com", "noise": nil, "quic": nil, "quic-v1": nil,
        "webtransport": nil, "certhash": certhash, "http": nil, "ws": nil, "wss": nil, "webrtc-direct": nil,
        "webrtc": nil, "p2p-circuit": nil,
    ]

    struct TableRow { let code: UInt64; let size: String; let name: String }

    static func table() throws -> [TableRow] {
        let lines = try VectorFiles.text("libp2p/multiformats/multiaddr-protocols.csv").split(separator: "\n")
        return lines.dropFirst().map { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            return TableRow(code: UInt64(fields[0])!, size: fields[1], name: fields[2])
        }
    }

    @Test func protocolTableCodesAndSizes() throws {
        let rows = try Self.table()
        #expect(rows.count == 41)
        var supported = 0
        for row in rows {
            let codePrefix = Varint.encode(row.code)
            guard let sample = Self.samples[row.name] else {
                // Not supported: refused by name and by code, with errors that say so.
                #expect(throws: MultiaddrError.unknownProtocolName(row.name)) { try Multiaddr("/\(row.name)/x") }
                #expect(throws: MultiaddrError.unknownProtocolCode(row.code)) { try Multiaddr(bytes: codePrefix + [0, 0]) }
                continue
            }
            supported += 1
            let text = "/\(row.name)" + (sample.map { "/\($0)" } ?? "")
            let address = try Multiaddr(text)
            #expect(address.components.count == 1)
            #expect(address.components[0].protocolCode == row.code, "\(row.name)")
            #expect(address.bytes.starts(with: codePrefix), "\(row.name)")
            let value = Array(address.bytes.dropFirst(codePrefix.count))
            switch row.size {
            case "0": #expect(value.isEmpty, "\(row.name)")
            case "V":
                let (length, prefix) = try Varint.decode(value)
                #expect(Int(length) + prefix == value.count, "\(row.name)")
            default: #expect(value.count * 8 == Int(row.size)!, "\(row.name)")
            }
            #expect(try Multiaddr(bytes: address.bytes) == address)
            #expect(try Multiaddr(address.description) == address)
        }
        #expect(supported == Self.samples.count)
    }

    @Test(arguments: [
        ("/ip4/127.0.0.1/udp/1234", "047f000001910204d2"),  // multiaddr README
        ("/ip4/192.0.2.42/tcp/443", "04c000022a0601bb"),  // multiaddr.feature
        ("/ip6/::1/tcp/0", "2900000000000000000000000000000001060000"),
        ("/dns4/a.io/tcp/80/ws", "3604612e696f060050dd03"),
        ("/ip4/1.2.3.4/udp/65535/quic-v1", "04010203049102ffffcd03"),
        ("/p2p-circuit", "a202"),
    ])
    func knownBinaryForms(text: String, hex: String) throws {
        let address = try Multiaddr(text)
        #expect(address.bytes.hex == hex)
        #expect(try Multiaddr(bytes: [UInt8](hex: hex)).description == text)
    }

    @Test(arguments: [
        "/ip4/0.0.0.0/tcp/0",
        "/ip4/255.255.255.255/udp/65535/quic-v1",
        "/ip6/2001:db8::1/tcp/4001/p2p/\(ed25519Peer)",
        "/dns/example.com/tcp/443/tls/sni/example.com/ws",
        "/dns6/ipv6.example/udp/4001/quic-v1/webtransport/certhash/\(certhash)",
        "/ip4/192.0.2.1/tcp/4001/p2p/\(rsaPeer)/p2p-circuit/p2p/\(ed25519Peer)",
        "/dnsaddr/bootstrap.libp2p.io",
        "/ip4/10.0.0.1/tcp/443/wss",
        "/ip4/10.0.0.1/udp/9/webrtc-direct/certhash/\(certhash)",
        "/ip4/10.0.0.1/tcp/80/http",
        "/ip4/10.0.0.1/tcp/80/noise",
        "/ip4/10.0.0.1/udp/80/quic",
        "/p2p/\(ed25519Peer)/p2p-circuit/webrtc",
        "/dns/bücher.example/tcp/1",
    ])
    func canonicalRoundTrips(text: String) throws {
        let address = try Multiaddr(text)
        #expect(address.description == text)
        let decoded = try Multiaddr(bytes: address.bytes)
        #expect(decoded == address)
        #expect(decoded.components == address.components)
        #expect(decoded.description == text)
    }

    @Test(arguments: [
        ("/ip6/2001:0db8:0000:0000:0000:0000:0000:0001", "/ip6/2001:db8::1"),
        ("/ip6/0:0:0:0:0:0:0:1", "/ip6/::1"),
        ("/ip6/0:0:0:0:0:0:0:0", "/ip6/::"),
        ("/ip6/FE80::1", "/ip6/fe80::1"),
        ("/ip6/2001:db8:0:1:1:1:1:1", "/ip6/2001:db8:0:1:1:1:1:1"),  // one zero group is not compressed
        ("/ip6/2001:0:0:1:0:0:0:1", "/ip6/2001:0:0:1::1"),  // the longest run wins
        ("/ip6/2001:db8:0:0:1:0:0:1", "/ip6/2001:db8::1:0:0:1"),  // the leftmost of equal runs
        ("/ip6/1:2:3:4:5:6:7::", "/ip6/1:2:3:4:5:6:7:0"),
        ("/ip6/::ffff:192.0.2.1", "/ip6/::ffff:192.0.2.1"),
        ("/ip6/::ffff:c000:201", "/ip6/::ffff:192.0.2.1"),
        ("/ip6/::1.2.3.4", "/ip6/::102:304"),
        ("/ip6/1:2:3:4:5:6:1.2.3.4", "/ip6/1:2:3:4:5:6:102:304"),
        ("/ipfs/\(rsaPeer)", "/p2p/\(rsaPeer)"),
        ("/p2p/bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe", "/p2p/\(rsaPeer)"),
        ("/tcp/00080", "/tcp/80"),
    ])
    func normalisedForms(text: String, canonical: String) throws {
        #expect(try Multiaddr(text).description == canonical)
    }

    @Test(arguments: [
        ("", MultiaddrError.empty),
        ("/", .empty),
        ("ip4/1.2.3.4", .missingLeadingSlash),
        ("/ip4/1.2.3.4/", .emptyProtocolName),
        ("/ip4/1.2.3.4//tcp/1", .emptyProtocolName),
        ("/ip4", .missingValue(protocol: "ip4")),
        ("/ip4//tcp/1", .missingValue(protocol: "ip4")),
        ("/tcp", .missingValue(protocol: "tcp")),
        ("/dns/", .missingValue(protocol: "dns")),
        ("/foo/1", .unknownProtocolName("foo")),
        ("/ip4/1.2.3.4/tcp/80/garbage", .unknownProtocolName("garbage")),
        ("/unix/tmp", .unknownProtocolName("unix")),
        ("/ip4/256.0.0.1", .invalidIPv4),
        ("/ip4/1.2.3", .invalidIPv4),
        ("/ip4/1.2.3.4.5", .invalidIPv4),
        ("/ip4/01.2.3.4", .invalidIPv4),
        ("/ip4/1.2.3.4x", .invalidIPv4),
        ("/ip4/::1", .invalidIPv4),
        ("/ip6/1::2::3", .invalidIPv6),
        ("/ip6/fe80::1%eth0", .invalidIPv6),
        ("/ip6/12345::", .invalidIPv6),
        ("/ip6/1:2:3:4:5:6:7", .invalidIPv6),
        ("/ip6/1:2:3:4:5:6:7:8:9", .invalidIPv6),
        ("/ip6/1.2.3.4::", .invalidIPv6),
        ("/ip6/:1::", .invalidIPv6),
        ("/ip6/:::", .invalidIPv6),
        ("/ip6/1.2.3.4", .invalidIPv6),
        ("/tcp/65536", .invalidPort(protocol: "tcp")),
        ("/udp/-1", .invalidPort(protocol: "udp")),
        ("/tcp/80a", .invalidPort(protocol: "tcp")),
        ("/tcp/+80", .invalidPort(protocol: "tcp")),
        ("/tcp/999999", .invalidPort(protocol: "tcp")),
        ("/dns/\(String(repeating: "a", count: 256))", .invalidName(protocol: "dns")),
        ("/dns4/a\u{0}b", .invalidName(protocol: "dns4")),
        ("/p2p/QmNot0Peer", .invalidPeerID(.invalidPeerID(.invalidBase58))),
        ("/p2p/QmNotAPeer", .invalidPeerID(.invalidPeerID(.unsupportedMultihash))),
        ("/p2p/bafkqaaa", .invalidPeerID(.notLibP2PKey(codec: 0x55))),
        ("/certhash/zzz", .invalidCerthash),
        ("/certhash/uAAAA", .invalidCerthash),
    ])
    func refusesMalformedText(text: String, error: MultiaddrError) {
        #expect(throws: error) { try Multiaddr(text) }
    }

    /// Regression (fuzz-multiaddr): a binary form within the limit whose text is over 4 KiB
    /// (components of 2 binary bytes and up to 14 characters) must still round-trip.
    @Test(arguments: [(290, 415), (280, 512), (465, 512)])
    func theLongestTextOfAValidBinaryFormParses(code: Int, count: Int) throws {
        let varint: [UInt8] = [UInt8(code & 0x7F | 0x80), UInt8(code >> 7)]
        let address = try Multiaddr(bytes: Array([[UInt8]](repeating: varint, count: count).joined()))
        #expect(address.description.utf8.count > 4096)
        #expect(try Multiaddr(address.description) == address)
        #expect(try Multiaddr(bytes: address.bytes) == address)
    }

    @Test func refusesOverlongText() {
        let long = "/dns/" + String(repeating: "a", count: 250)
        let tooManyComponents = String(repeating: long, count: 5)  // 1,275 bytes of binary
        #expect(throws: MultiaddrError.tooLong(limit: Multiaddr.maxBinaryLength)) { try Multiaddr(tooManyComponents) }
        let tooLongText = String(repeating: "/ws", count: 3000)
        #expect(throws: MultiaddrError.tooLong(limit: Multiaddr.maxStringLength)) { try Multiaddr(tooLongText) }
        #expect(MultiaddrError.tooLong(limit: 1024).description == "multiaddr is longer than 1024 bytes")
        #expect(MultiaddrError.unknownProtocolName("foo").description.contains("\"foo\""))
    }

    @Test(arguments: [
        ("", MultiaddrError.empty),
        ("04010203", .truncated(protocol: "ip4")),
        ("06", .truncated(protocol: "tcp")),
        ("0601", .truncated(protocol: "tcp")),
        ("ff", .truncated(protocol: nil)),
        ("35", .truncated(protocol: "dns")),
        ("350561", .truncated(protocol: "dns")),
        ("04c000022a0601bb06", .truncated(protocol: "tcp")),  // trailing garbage after a valid address
        ("8000", .invalidVarint),
        ("ffffffffffffffffffff01", .invalidVarint),
        ("358000", .invalidVarint),
        ("9901", .unknownProtocolCode(153)),
        ("00", .unknownProtocolCode(0)),
        ("04c000022a2a", .unknownProtocolCode(42)),  // ip6zone is in the table but not supported
        ("3500", .invalidName(protocol: "dns")),
        ("35012f", .invalidName(protocol: "dns")),
        ("3501ff", .invalidName(protocol: "dns")),
        ("a5030100", .invalidPeerID(.invalidPeerID(.unsupportedMultihash))),
        ("d20300", .invalidCerthash),
    ])
    func refusesMalformedBinary(hex: String, error: MultiaddrError) {
        #expect(throws: error) { try Multiaddr(bytes: [UInt8](hex: hex)) }
    }

    @Test func refusesOverlongBinary() throws {
        let bytes = [UInt8](repeating: 0xDD, count: 1025)  // never parsed: refused by size first
        #expect(throws: MultiaddrError.tooLong(limit: 1024)) { try Multiaddr(bytes: bytes) }
        let ok = [UInt8](repeating: 0, count: 0) + Array(repeating: [0xDD, 0x03], count: 512).flatMap { $0 }
        #expect(try Multiaddr(bytes: ok).components.count == 512)
    }

    @Test func helpers() throws {
        let relay = try PeerID(text: Self.rsaPeer)
        let target = try PeerID(text: Self.ed25519Peer)
        let base = try Multiaddr("/ip4/192.0.2.1/tcp/4001")
        #expect(base.tcpPort == 4001)
        #expect(base.udpPort == nil)
        #expect(base.ipAddress == [192, 0, 2, 1])
        #expect(base.peerID == nil)
        #expect(base.removingTrailingPeerID == nil)

        let circuit = try base.appending(.p2p(relay)).appending(.p2pCircuit).appending(.p2p(target))
        #expect(circuit.description == "/ip4/192.0.2.1/tcp/4001/p2p/\(Self.rsaPeer)/p2p-circuit/p2p/\(Self.ed25519Peer)")
        #expect(circuit.peerID == target)
        #expect(circuit.removingTrailingPeerID?.peerID == relay)
        #expect(try base.appending(Multiaddr("/p2p-circuit")).components.last == .p2pCircuit)

        let v6 = try Multiaddr([.ip6([UInt8](repeating: 0, count: 15) + [1]), .udp(9), .quicV1])
        #expect(v6.description == "/ip6/::1/udp/9/quic-v1")
        #expect(v6.udpPort == 9 && v6.tcpPort == nil)
        #expect(v6.ipAddress?.count == 16)
        #expect(try Multiaddr("/dns/a.io/tcp/1").ipAddress == nil)
        #expect(v6.components.map(\.protocolName) == ["ip6", "udp", "quic-v1"])
        #expect(v6.components.map(\.value) == ["::1", "9", nil])

        #expect(throws: MultiaddrError.empty) { try Multiaddr([]) }
        #expect(throws: MultiaddrError.invalidIPv4) { try base.appending(.ip4([1, 2, 3])) }
        #expect(throws: MultiaddrError.invalidIPv6) { try Multiaddr([.ip6([1])]) }
        #expect(throws: MultiaddrError.invalidName(protocol: "dns")) { try Multiaddr([.dns("a/b")]) }
        #expect(throws: MultiaddrError.invalidName(protocol: "sni")) { try Multiaddr([.sni("")]) }
        #expect(throws: MultiaddrError.invalidCerthash) { try Multiaddr([.certhash([0x12])]) }
    }

    @Test func equalityFollowsBinaryForm() throws {
        let a = try Multiaddr("/ip6/0:0:0:0:0:0:0:1/tcp/1")
        let b = try Multiaddr("/ip6/::1/tcp/1")
        #expect(a == b)
        #expect(Set([a, b]).count == 1)
        // Unicode-equivalent but byte-different names are different addresses.
        let composed = try Multiaddr([.dns("caf\u{E9}.example")])
        let decomposed = try Multiaddr([.dns("cafe\u{301}.example")])
        #expect(composed != decomposed)
        #expect(Set([composed, decomposed]).count == 2)
    }

    @Test func fuzzEntryNeverTraps() throws {
        var seeds: [[UInt8]] = try [
            Multiaddr("/ip4/192.0.2.1/tcp/4001/p2p/\(Self.ed25519Peer)").bytes,
            Multiaddr("/ip6/2001:db8::1/udp/4001/quic-v1/webtransport/certhash/\(Self.certhash)").bytes,
            Multiaddr("/dns/example.com/tcp/443/tls/sni/example.com/ws").bytes,
            Array("/ip4/1.2.3.4/tcp/80/p2p/\(Self.rsaPeer)".utf8),
            Array("/ip6/::ffff:1.2.3.4/udp/1".utf8),
        ]
        var generator = SplitMix64(seed: 0x5EED)
        for _ in 0..<3000 {
            var input = seeds[Int(generator.next() % UInt64(seeds.count))]
            for _ in 0..<(1 + generator.next() % 4) {
                let position = input.isEmpty ? 0 : Int(generator.next() % UInt64(input.count))
                switch generator.next() % 4 {
                case 0 where !input.isEmpty: input[position] = UInt8(truncatingIfNeeded: generator.next())
                case 1 where !input.isEmpty: input.remove(at: position)
                case 2: input.insert(UInt8(truncatingIfNeeded: generator.next()), at: position)
                default: input = Array(input.prefix(position))
                }
            }
            Multiaddr.fuzz(input)
            if generator.next() % 50 == 0 { seeds.append(input) }
        }
    }
}

/// A small deterministic generator for fuzz-style tests.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
