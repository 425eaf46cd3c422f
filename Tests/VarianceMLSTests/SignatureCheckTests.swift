import Crypto
import Testing

@testable import VarianceMLS

/// `verifyWithLabel` (libsodium with VARIANCE_MLS_SODIUM, else swift-crypto) agrees with
/// swift-crypto on genuine and altered signatures, and refuses malformed inputs.
@Suite struct SignatureCheckTests {
    let suite = CipherSuite.mls128X25519

    private func verify(_ key: [UInt8], _ label: String, _ content: [UInt8], _ signature: [UInt8]) -> Bool {
        suite.verifyWithLabel(publicKey: key, label: label, content: content, signature: signature)
    }

    private func swiftCryptoVerdict(_ key: [UInt8], _ label: String, _ content: [UInt8], _ signature: [UInt8]) -> Bool {
        var writer = TLSWriter()
        writer.writeOpaque(Array(("MLS 1.0 " + label).utf8))
        writer.writeOpaque(content)
        guard let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: key) else { return false }
        return publicKey.isValidSignature(signature, for: writer.bytes)
    }

    @Test func agreesWithSwiftCrypto() throws {
        var rng = SeededGenerator(seed: 9)
        for round in 0..<64 {
            let key = SignaturePrivateKey.generate(using: &rng)
            let content = (0..<(round * 7)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let signature = try suite.signWithLabel(key, label: "LeafNodeTBS", content: content)
            #expect(verify(key.publicKey, "LeafNodeTBS", content, signature))
            #expect(!verify(key.publicKey, "KeyPackageTBS", content, signature))
            var altered = signature
            altered[round % 64] ^= UInt8(1 << (round % 8))
            #expect(
                verify(key.publicKey, "LeafNodeTBS", content, altered)
                    == swiftCryptoVerdict(key.publicKey, "LeafNodeTBS", content, altered))
            #expect(!verify(key.publicKey, "LeafNodeTBS", content, altered))
            let otherContent = content + [1]
            #expect(!verify(key.publicKey, "LeafNodeTBS", otherContent, signature))
        }
    }

    @Test func refusesMalformedInput() throws {
        var rng = SeededGenerator(seed: 10)
        let key = SignaturePrivateKey.generate(using: &rng)
        let signature = try suite.signWithLabel(key, label: "x", content: [1, 2, 3])
        #expect(verify(key.publicKey, "x", [1, 2, 3], signature))
        #expect(!verify(Array(key.publicKey.dropLast()), "x", [1, 2, 3], signature))
        #expect(!verify(key.publicKey, "x", [1, 2, 3], Array(signature.dropLast())))
        #expect(!verify(key.publicKey, "x", [1, 2, 3], signature + [0]))
        #expect(!verify([], "x", [1, 2, 3], []))
        // S >= the group order is refused by both (RFC 8032 §5.1.7).
        var highS = signature
        for index in 32..<64 { highS[index] = 0xFF }
        #expect(!verify(key.publicKey, "x", [1, 2, 3], highS))
    }
}
