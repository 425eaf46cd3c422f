import Foundation
import LibP2PCore
import Testing

struct PeerIDTests {
    struct KeyVector: Decodable {
        let key_type: String
        let kind: String
        let protobuf_hex: String
    }

    struct VectorFile: Decodable {
        let keys: [KeyVector]
    }

    static func publicKeyVectors() throws -> [String: [UInt8]] {
        let file = try JSONDecoder().decode(VectorFile.self, from: VectorFiles.data("libp2p/peer-id-keys.json"))
        var result: [String: [UInt8]] = [:]
        for key in file.keys where key.kind == "public" {
            result[key.key_type] = [UInt8](hex: key.protobuf_hex)
        }
        return result
    }

    /// Expected peer IDs of the public keys in peer-id-keys.json, computed independently with
    /// Python (identity multihash if the protobuf is ≤ 42 bytes, else sha2-256; base58btc).
    static let expected: [String: String] = [
        "ed25519": "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq",
        "secp256k1": "16Uiu2HAmLhLvBoYaoZfaMUKuibM6ac163GwKY74c5kiSLg5KvLpY",
        "ecdsa": "QmVMT29id3TUASyfZZ6k9hmNyc2nYabCo4uMSpDw4zrgDk",
        "rsa": "QmaeANgBs1DTSxWSrPPtobgQuxW8XTfsS4ydbK4rCHzqxG",
    ]

    @Test func ed25519VectorFromRawKey() throws {
        let protobuf = try #require(try Self.publicKeyVectors()["ed25519"])
        let key = try LibP2PPublicKey(protobuf: protobuf)
        #expect(key.type == .ed25519)
        #expect(key.protobuf == protobuf)

        let peerID = PeerID(ed25519PublicKey: key.data)
        #expect(peerID.description == Self.expected["ed25519"])
        #expect(peerID.description.hasPrefix("12D3KooW"))
        #expect(peerID.bytes == [0x00, 36] + protobuf)
        #expect(peerID.ed25519PublicKey == key.data)
        #expect(try PeerID(string: peerID.description) == peerID)
    }

    @Test(arguments: ["ed25519", "secp256k1", "ecdsa", "rsa"])
    func allKeyTypesFromProtobuf(keyType: String) throws {
        let protobuf = try #require(try Self.publicKeyVectors()[keyType])
        let key = try LibP2PPublicKey(protobuf: protobuf)
        #expect(key.protobuf == protobuf)
        let peerID = PeerID(publicKey: key)
        #expect(peerID.description == Self.expected[keyType])
        let parsed = try PeerID(string: peerID.description)
        #expect(parsed == peerID)
        #expect(parsed.publicKey == (protobuf.count <= 42 ? key : nil))
    }

    @Test func parsesSpecExamples() throws {
        let hashed = try PeerID(string: "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N")
        #expect(hashed.bytes.prefix(2) == [0x12, 0x20])
        #expect(hashed.publicKey == nil)
        let inline = try PeerID(string: "12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA")
        let key = try #require(inline.ed25519PublicKey)
        #expect(PeerID(ed25519PublicKey: key) == inline)
        #expect(inline.description == "12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA")
    }

    @Test func refusesGarbage() throws {
        #expect(throws: PeerID.ParseError.invalidBase58) { try PeerID(string: "12D3KooW0") }
        #expect(throws: PeerID.ParseError.unsupportedMultihash) { try PeerID(string: "") }
        #expect(throws: PeerID.ParseError.unsupportedMultihash) { try PeerID(bytes: [0x12, 0x20, 1, 2]) }
        #expect(throws: PeerID.ParseError.unsupportedMultihash) { try PeerID(bytes: [0x13, 0x01, 0]) }
        let valid = PeerID(ed25519PublicKey: [UInt8](repeating: 7, count: 32)).bytes
        #expect(throws: PeerID.ParseError.unsupportedMultihash) { try PeerID(bytes: Array(valid.dropLast())) }
        #expect(throws: PeerID.ParseError.unsupportedMultihash) { try PeerID(bytes: valid + [0]) }
        // Identity multihash whose content is not a PublicKey message.
        #expect(throws: PeerID.ParseError.invalidPublicKey) { try PeerID(bytes: [0x00, 3, 0x08, 0x01, 0x12]) }
        // Ed25519 key of the wrong length.
        #expect(throws: PeerID.ParseError.invalidPublicKey) { try PeerID(bytes: [0x00, 5, 0x08, 0x01, 0x12, 1, 0xAA]) }
    }

    @Test func publicKeyProtobufErrors() throws {
        #expect(throws: LibP2PPublicKey.DecodingError.malformed) { try LibP2PPublicKey(protobuf: [0x08]) }
        #expect(throws: LibP2PPublicKey.DecodingError.malformed) { try LibP2PPublicKey(protobuf: [0x08, 0x01]) }
        #expect(throws: LibP2PPublicKey.DecodingError.malformed) { try LibP2PPublicKey(protobuf: [0x08, 0x01, 0x08, 0x01]) }
        #expect(throws: LibP2PPublicKey.DecodingError.malformed) { try LibP2PPublicKey(protobuf: [0x08, 0x01, 0x12, 0x05, 0x00]) }
        #expect(throws: LibP2PPublicKey.DecodingError.malformed) { try LibP2PPublicKey(protobuf: [0x1A, 0x00]) }
        #expect(throws: LibP2PPublicKey.DecodingError.unknownKeyType(9)) { try LibP2PPublicKey(protobuf: [0x08, 0x09, 0x12, 0x00]) }
        #expect(throws: LibP2PPublicKey.DecodingError.invalidKeyLength) { try LibP2PPublicKey(protobuf: [0x08, 0x01, 0x12, 0x00]) }
        // Field order is free on input; output is canonical.
        let key = [UInt8](repeating: 3, count: 32)
        let reordered: [UInt8] = [0x12, 0x20] + key + [0x08, 0x01]
        #expect(try LibP2PPublicKey(protobuf: reordered).protobuf == [0x08, 0x01, 0x12, 0x20] + key)
    }
}
