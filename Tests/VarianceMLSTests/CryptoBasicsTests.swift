import Testing

@testable import VarianceMLS

@Suite struct CryptoBasicsTests {
    let suite = CipherSuite.mls128X25519

    @Test func otherSuitesAreRefused() {
        for id: UInt16 in [0, 2, 3, 7, 0xFFFF] {
            #expect(throws: MLSError.self) { try CipherSuite(id: id) }
        }
        #expect((try? CipherSuite(id: 1)) == .mls128X25519)
    }

    @Test func cryptoBasicsVectors() throws {
        let entries = try MLSVectors.suite1("crypto-basics.json")
        #expect(entries.count == 1)
        for entry in entries {
            let refHash = try entry.object("ref_hash")
            #expect(
                suite.refHash(label: try refHash.string("label"), value: try refHash.hex("value"))
                    == (try refHash.hex("out")))

            let expand = try entry.object("expand_with_label")
            #expect(
                suite.expandWithLabel(
                    try expand.hex("secret"), label: try expand.string("label"), context: try expand.hex("context"),
                    length: try expand.int("length")) == (try expand.hex("out")))

            let derive = try entry.object("derive_secret")
            #expect(
                suite.deriveSecret(try derive.hex("secret"), label: try derive.string("label"))
                    == (try derive.hex("out")))

            let tree = try entry.object("derive_tree_secret")
            #expect(
                suite.deriveTreeSecret(
                    try tree.hex("secret"), label: try tree.string("label"),
                    generation: UInt32(try tree.int("generation")),
                    length: try tree.int("length")) == (try tree.hex("out")))

            let sign = try entry.object("sign_with_label")
            let key = try SignaturePrivateKey(seed: try sign.hex("priv"))
            #expect(key.publicKey == (try sign.hex("pub")))
            let label = try sign.string("label")
            let content = try sign.hex("content")
            #expect(
                suite.verifyWithLabel(
                    publicKey: try sign.hex("pub"), label: label, content: content, signature: try sign.hex("signature")
                ))
            let fresh = try suite.signWithLabel(key, label: label, content: content)
            #expect(suite.verifyWithLabel(publicKey: key.publicKey, label: label, content: content, signature: fresh))
            #expect(
                !suite.verifyWithLabel(publicKey: key.publicKey, label: label + "x", content: content, signature: fresh)
            )

            let encrypt = try entry.object("encrypt_with_label")
            let hpkeKey = try HPKEPrivateKey(rawRepresentation: try encrypt.hex("priv"))
            #expect(hpkeKey.publicKey == (try encrypt.hex("pub")))
            let encLabel = try encrypt.string("label")
            let context = try encrypt.hex("context")
            let plaintext = try encrypt.hex("plaintext")
            #expect(
                try suite.decryptWithLabel(
                    hpkeKey, label: encLabel, context: context, kemOutput: try encrypt.hex("kem_output"),
                    ciphertext: try encrypt.hex("ciphertext")) == plaintext)
            let sealed = try suite.encryptWithLabel(
                publicKey: hpkeKey.publicKey, label: encLabel, context: context, plaintext: plaintext)
            #expect(
                try suite.decryptWithLabel(
                    hpkeKey, label: encLabel, context: context, kemOutput: sealed.kemOutput,
                    ciphertext: sealed.ciphertext)
                    == plaintext)
            #expect(throws: MLSError.self) {
                try suite.decryptWithLabel(
                    hpkeKey, label: encLabel, context: context + [0], kemOutput: sealed.kemOutput,
                    ciphertext: sealed.ciphertext)
            }
        }
    }
}
