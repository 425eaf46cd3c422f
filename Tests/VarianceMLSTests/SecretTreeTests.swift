import Testing

@testable import VarianceMLS

@Suite struct SecretTreeTests {
    let suite = CipherSuite.mls128X25519

    @Test func secretTreeVectors() throws {
        let entries = try MLSVectors.suite1("secret-tree.json")
        #expect(entries.count == 3)
        for entry in entries {
            let senderData = try entry.object("sender_data")
            let derived = PrivateMessage.senderDataKeyAndNonce(
                suite: suite, senderDataSecret: try senderData.hex("sender_data_secret"),
                ciphertext: try senderData.hex("ciphertext"))
            #expect(derived.key == (try senderData.hex("key")))
            #expect(derived.nonce == (try senderData.hex("nonce")))

            let leaves = try entry.array("leaves")
            var tree = SecretTree(
                suite: suite, encryptionSecret: try entry.hex("encryption_secret"), leafCount: UInt32(leaves.count))
            for (leaf, generations) in leaves.enumerated() {
                for case let step as [String: Any] in generations as? [Any] ?? [] {
                    let generation = UInt32(try step.int("generation"))
                    let handshake = try tree.key(leaf: UInt32(leaf), kind: .handshake, generation: generation)
                    #expect(handshake.key == (try step.hex("handshake_key")))
                    #expect(handshake.nonce == (try step.hex("handshake_nonce")))
                    let application = try tree.key(leaf: UInt32(leaf), kind: .application, generation: generation)
                    #expect(application.key == (try step.hex("application_key")))
                    #expect(application.nonce == (try step.hex("application_nonce")))
                }
            }
        }
    }

    @Test func usedKeysAreDeletedAndSkippedKeysKept() throws {
        var tree = SecretTree(suite: suite, encryptionSecret: [UInt8](repeating: 7, count: 32), leafCount: 4)
        let third = try tree.key(leaf: 2, kind: .application, generation: 3)
        #expect(third.generation == 3)
        #expect(throws: MLSError.self) { try tree.key(leaf: 2, kind: .application, generation: 3) }
        let first = try tree.key(leaf: 2, kind: .application, generation: 1)
        #expect(first.generation == 1 && first.key != third.key)
        #expect(throws: MLSError.self) { try tree.key(leaf: 2, kind: .application, generation: 1) }
        #expect(throws: MLSError.self) { try tree.key(leaf: 4, kind: .application, generation: 0) }
        #expect(throws: MLSError.self) {
            try tree.key(leaf: 0, kind: .handshake, generation: SecretTree.maximumForwardDistance + 1)
        }
        // A sender's ratchet and a receiver's agree.
        var sender = SecretTree(suite: suite, encryptionSecret: [UInt8](repeating: 7, count: 32), leafCount: 4)
        _ = try sender.nextKey(leaf: 2, kind: .application)
        let next = try sender.nextKey(leaf: 2, kind: .application)
        #expect(next == first)
    }
}
