import LibP2PCore
import Testing

/// Multibase, multihash and the CIDv1 text form of peer IDs.
struct MultiformatsTests {
    // MARK: Vectors

    /// A multibase test CSV: the input (with `\x00` escapes) and `(encoding name, text)` rows.
    static func multibaseVectors(_ file: String) throws -> (input: [UInt8], rows: [(String, String)]) {
        let lines = try VectorFiles.text("libp2p/multiformats/multibase-tests/\(file)")
            .split(separator: "\n").map(String.init)
        func quoted(_ line: String) -> String {
            let start = line.firstIndex(of: "\"")!
            let end = line.lastIndex(of: "\"")!
            return String(line[line.index(after: start)..<end])
        }
        var input: [UInt8] = []
        var rest = Substring(quoted(lines[0]))
        while !rest.isEmpty {
            if rest.hasPrefix("\\x") {
                input.append(UInt8(rest.dropFirst(2).prefix(2), radix: 16)!)
                rest = rest.dropFirst(4)
            } else {
                input += Array(String(rest.first!).utf8)
                rest = rest.dropFirst()
            }
        }
        let rows = lines.dropFirst().map { line in
            (String(line[..<line.firstIndex(of: ",")!]), quoted(line))
        }
        return (input, rows)
    }

    static let supportedNames = Set(Multibase.Encoding.allCases.map(\.name))

    @Test(arguments: ["basic.csv", "leading_zero.csv", "two_leading_zeros.csv"])
    func multibaseVectors(file: String) throws {
        let (input, rows) = try Self.multibaseVectors(file)
        #expect(rows.count >= 20)
        var checked = 0
        for (name, text) in rows {
            if Self.supportedNames.contains(name) {
                let decoded = try Multibase.decode(text)
                #expect(decoded.encoding.name == name, "\(name)")
                #expect(decoded.bytes == input, "\(name)")
                #expect(Multibase.encode(input, as: decoded.encoding) == text, "\(name)")
                checked += 1
            } else {
                #expect(throws: Multibase.DecodingError.unsupportedPrefix(text.first!), "\(name)") {
                    try Multibase.decode(text)
                }
            }
        }
        #expect(checked == 15)
    }

    @Test func multibaseDecodesCaseInsensitively() throws {
        let (input, rows) = try Self.multibaseVectors("case_insensitivity.csv")
        #expect(input == Array("hello world".utf8))
        var checked = 0
        for (name, text) in rows where Self.supportedNames.contains(name) {
            #expect(try Multibase.decode(text).bytes == input, "\(name)")
            checked += 1
        }
        #expect(checked == 10)
    }

    @Test func multibaseRoundTripsEveryLength() throws {
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            for encoding in Multibase.Encoding.allCases {
                let text = Multibase.encode(bytes, as: encoding)
                let decoded = try Multibase.decode(text)
                #expect(decoded.encoding == encoding)
                #expect(decoded.bytes == bytes, "\(encoding) length \(length)")
            }
        }
    }

    @Test func multibaseRefusesMalformedText() {
        #expect(throws: Multibase.DecodingError.empty) { try Multibase.decode("") }
        #expect(throws: Multibase.DecodingError.unsupportedPrefix("k")) { try Multibase.decode("k2lcpzo5yikidynfl") }
        #expect(throws: Multibase.DecodingError.invalidCharacter(position: 2)) { try Multibase.decode("f00g0") }
        #expect(throws: Multibase.DecodingError.invalidLength) { try Multibase.decode("f0") }
        #expect(throws: Multibase.DecodingError.invalidLength) { try Multibase.decode("ba") }
        #expect(throws: Multibase.DecodingError.invalidLength) { try Multibase.decode("mA") }
        #expect(throws: Multibase.DecodingError.invalidCharacter(position: 0)) { try Multibase.decode("z0") }
        #expect(throws: Multibase.DecodingError.invalidCharacter(position: 2)) { try Multibase.decode("mAA=") }
        #expect(throws: Multibase.DecodingError.invalidPadding) { try Multibase.decode("MAA") }
        #expect(throws: Multibase.DecodingError.invalidPadding) { try Multibase.decode("MAAAA====") }
        #expect(throws: Multibase.DecodingError.nonZeroTrailingBits) { try Multibase.decode("m/x") }
        #expect(throws: Multibase.DecodingError.nonZeroTrailingBits) { try Multibase.decode("bab") }
        #expect(throws: Multibase.DecodingError.tooLong) {
            try Multibase.decode("z" + String(repeating: "2", count: Multibase.maxEncodedLength))
        }
        #expect(Multibase.DecodingError.invalidPadding.description == "multibase text has wrong padding")
    }

    /// The `input` column is hashed as its ASCII text (not hex-decoded).
    @Test func multihashVectors() throws {
        let lines = try VectorFiles.text("libp2p/multiformats/multihash-test_cases.csv").split(separator: "\n")
        #expect(lines.first == "algorithm,bits,input,multihash")
        let codes: [String: Multihash.Code] = [
            "sha1": .sha1, "sha2-256": .sha2_256, "sha2-512": .sha2_512, "sha3": .sha3_512,
        ]
        var decoded = 0
        var computed = 0
        for line in lines.dropFirst() {
            let fields = line.split(separator: ",").map(String.init)
            let (algorithm, bits, input, expected) = (fields[0], Int(fields[1])!, Array(fields[2].utf8), [UInt8](hex: fields[3]))
            let multihash = try Multihash(bytes: expected)
            #expect(multihash.code == codes[algorithm])
            #expect(multihash.digest.count == bits / 8)
            #expect(multihash.bytes == expected)
            decoded += 1
            if let hashed = Multihash.hash(input, with: multihash.code, truncatedTo: bits / 8) {
                #expect(hashed == multihash, "\(algorithm) \(bits) \(fields[2])")
                computed += 1
            }
        }
        #expect(decoded == 260)
        #expect(computed == 140)  // sha2-256 and sha2-512; sha1 and sha3 are decoded only
    }

    @Test func multihashIdentityAndErrors() throws {
        let identity = try #require(Multihash.hash([1, 2, 3], with: .identity))
        #expect(identity.bytes == [0x00, 0x03, 1, 2, 3])
        #expect(identity.description == "identity:010203")
        #expect(Multihash.hash([], with: .sha1) == nil)
        #expect(Multihash.hash([], with: .sha2_256, truncatedTo: 33) == nil)
        #expect(Multihash.hash([], with: .sha2_256)?.bytes.prefix(2) == [0x12, 0x20])

        #expect(throws: Multihash.DecodingError.truncated(declaredLength: 32, available: 1)) {
            try Multihash(bytes: [0x12, 0x20, 0xAA])
        }
        #expect(throws: Multihash.DecodingError.trailingBytes(count: 1)) { try Multihash(bytes: [0x00, 0x01, 7, 8]) }
        #expect(throws: Multihash.DecodingError.invalidVarint) { try Multihash(bytes: [0x92]) }
        #expect(throws: Multihash.DecodingError.invalidVarint) { try Multihash(bytes: [0x92, 0x00, 0x00]) }
        #expect(throws: Multihash.DecodingError.invalidVarint) { try Multihash(bytes: []) }
        let prefix = try Multihash.decodePrefix([0x00, 0x01, 7, 8])
        #expect(prefix.length == 3 && prefix.multihash.digest == [7])
    }

    // MARK: Peer ID as CIDv1

    static let specCID = "bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe"
    static let specLegacy = "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N"

    @Test func peerIDSpecExampleCIDMatchesLegacyForm() throws {
        let fromCID = try PeerID(cid: Self.specCID)
        #expect(fromCID.description == Self.specLegacy)
        #expect(fromCID.cidString == Self.specCID)
        #expect(fromCID.cidBytes.prefix(4) == [0x01, 0x72, 0x12, 0x20])
        #expect(try PeerID(text: Self.specCID) == fromCID)
        #expect(try PeerID(text: Self.specLegacy) == fromCID)
        // Any supported multibase of the same CID names the same peer.
        #expect(try PeerID(text: Multibase.encode(fromCID.cidBytes, as: .base58btc)) == fromCID)
        #expect(try PeerID(text: Self.specCID.uppercased()) == fromCID)
    }

    @Test func ed25519PeerIDCIDRoundTrip() throws {
        let peerID = try PeerID(text: "12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA")
        let cid = peerID.cidString
        #expect(cid.hasPrefix("bafzaa"))
        #expect(try PeerID(cid: cid) == peerID)
        #expect(try PeerID(text: cid).description == "12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA")
    }

    @Test func peerIDCIDErrors() throws {
        let peerID = try PeerID(text: Self.specLegacy)
        #expect(throws: PeerID.TextError.notLibP2PKey(codec: 0x70)) {
            try PeerID(cidBytes: [0x01, 0x70] + peerID.bytes)
        }
        #expect(throws: PeerID.TextError.unsupportedCIDVersion(2)) { try PeerID(cidBytes: [0x02, 0x72] + peerID.bytes) }
        #expect(throws: PeerID.TextError.invalidCID) { try PeerID(cidBytes: [0x01]) }
        #expect(throws: PeerID.TextError.invalidCID) { try PeerID(cidBytes: []) }
        #expect(throws: PeerID.TextError.invalidPeerID(.unsupportedMultihash)) {
            try PeerID(cidBytes: [0x01, 0x72, 0x13, 0x01, 0x00])
        }
        #expect(throws: PeerID.TextError.invalidMultibase(.unsupportedPrefix("x"))) { try PeerID(text: "xyz") }
        #expect(throws: PeerID.TextError.invalidMultibase(.empty)) { try PeerID(text: "") }
        #expect(throws: PeerID.TextError.invalidPeerID(.invalidBase58)) { try PeerID(text: "Qm0") }
        #expect(PeerID.TextError.notLibP2PKey(codec: 0x70).description.contains("0x70"))
    }
}
