import Crypto
import Foundation
import LibP2PCore
import Testing
import VarianceIdentity

struct DIDKeyTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let did: String
        let seed: [UInt8]
        /// Raw public key from `publicKeyBase58` or from the JWK `x`.
        let publicKey: [UInt8]
        var testDescription: String { did }
    }

    /// did-key/ed25519-x25519.json: DID → {seed, verificationKeyPair, ...}.
    static let vectors: [Vector] = {
        let root = try! Vectors.json("did-key/ed25519-x25519.json") as! [String: [String: Any]]
        return root.keys.sorted().map { did in
            let entry = root[did]!
            let pair = entry["verificationKeyPair"] as! [String: Any]
            let publicKey: [UInt8]
            if let base58 = pair["publicKeyBase58"] as? String {
                publicKey = try! Base58.decode(base58)
            } else {
                let jwk = pair["publicKeyJwk"] as! [String: String]
                publicKey = base64URLDecode(jwk["x"]!)
            }
            return Vector(did: did, seed: [UInt8](hex: entry["seed"] as! String), publicKey: publicKey)
        }
    }()

    static func base64URLDecode(_ text: String) -> [UInt8] {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Array(Data(base64Encoded: base64)!)
    }

    @Test func hasFiveVectors() {
        #expect(Self.vectors.count == 5)
    }

    @Test(arguments: vectors)
    func ed25519Vector(vector: Vector) throws {
        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: vector.seed)
        let publicKey = Array(key.publicKey.rawRepresentation)
        #expect(publicKey == vector.publicKey)
        #expect(DIDKey.did(ed25519PublicKey: publicKey) == vector.did)
        #expect(vector.did.hasPrefix("did:key:z6Mk"))
        #expect(try DIDKey.publicKey(fromDID: vector.did) == publicKey)
    }

    /// x25519.json holds X25519-only did:keys (multicodec 0xec): not identity keys.
    @Test func refusesX25519DIDs() throws {
        let root = try Vectors.json("did-key/x25519.json") as! [String: [String: Any]]
        let dids = root["didDocument"]!.keys
        #expect(dids.count == 4)
        for did in dids {
            #expect(throws: DIDKey.ParseError.unsupportedKeyType(0xec)) { try DIDKey.publicKey(fromDID: did) }
        }
    }

    @Test func refusesMalformedDIDs() throws {
        let good = Self.vectors[0].did
        #expect(throws: DIDKey.ParseError.notDIDKey) { try DIDKey.publicKey(fromDID: "did:web:example.com") }
        #expect(throws: DIDKey.ParseError.notDIDKey) { try DIDKey.publicKey(fromDID: "did:key:f" + good.dropFirst(9)) }
        #expect(throws: DIDKey.ParseError.invalidEncoding) { try DIDKey.publicKey(fromDID: good + "0") }
        #expect(throws: DIDKey.ParseError.invalidEncoding) { try DIDKey.publicKey(fromDID: "did:key:z") }
        let short = "did:key:z" + Base58.encode([0xED, 0x01] + [UInt8](repeating: 1, count: 31))
        #expect(throws: DIDKey.ParseError.invalidKeyLength) { try DIDKey.publicKey(fromDID: short) }
        let long = "did:key:z" + Base58.encode([0xED, 0x01] + [UInt8](repeating: 1, count: 33))
        #expect(throws: DIDKey.ParseError.invalidKeyLength) { try DIDKey.publicKey(fromDID: long) }
    }
}
