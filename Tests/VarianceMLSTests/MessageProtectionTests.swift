import Testing

@testable import VarianceMLS

@Suite struct MessageProtectionTests {
    let suite = CipherSuite.mls128X25519

    private func publicMessage(_ bytes: [UInt8]) throws -> PublicMessage {
        guard case .publicMessage(let message) = try MLSMessage(tlsSerialized: bytes).body else {
            throw VectorError.missing("public message")
        }
        return message
    }

    private func privateMessage(_ bytes: [UInt8]) throws -> PrivateMessage {
        guard case .privateMessage(let message) = try MLSMessage(tlsSerialized: bytes).body else {
            throw VectorError.missing("private message")
        }
        return message
    }

    @Test func messageProtectionVectors() throws {
        let entries = try MLSVectors.suite1("message-protection.json")
        #expect(entries.count == 1)
        for entry in entries {
            let context = GroupContext(
                cipherSuite: 1, groupID: try entry.hex("group_id"), epoch: UInt64(try entry.int("epoch")),
                treeHash: try entry.hex("tree_hash"),
                confirmedTranscriptHash: try entry.hex("confirmed_transcript_hash"))
            let signatureKey = try SignaturePrivateKey(seed: try entry.hex("signature_priv"))
            let signaturePub = try entry.hex("signature_pub")
            #expect(signatureKey.publicKey == signaturePub)
            let membershipKey = try entry.hex("membership_key")
            let senderDataSecret = try entry.hex("sender_data_secret")
            let encryptionSecret = try entry.hex("encryption_secret")
            func freshTree() -> SecretTree {
                SecretTree(suite: suite, encryptionSecret: encryptionSecret, leafCount: 2)
            }
            let keyOfLeaf: (UInt32) throws -> [UInt8] = { leaf in
                guard leaf == 1 else { throw MLSError.invalid("unexpected sender") }
                return signaturePub
            }

            let bodies: [(name: String, body: FramedContentBody)] = [
                ("proposal", .proposal(try Proposal(tlsSerialized: try entry.hex("proposal")))),
                ("commit", .commit(try Commit(tlsSerialized: try entry.hex("commit")))),
                ("application", .application(try entry.hex("application"))),
            ]
            for (name, body) in bodies {
                var confirmationTag: [UInt8]?
                if name != "application" {
                    // The vector's PublicMessage verifies and carries the raw content.
                    let message = try publicMessage(try entry.hex("\(name)_pub"))
                    let opened = try message.unprotect(
                        suite: suite, membershipKey: membershipKey, context: context, signaturePublicKey: signaturePub)
                    #expect(opened.content.body == body, "\(name)_pub content")
                    #expect(opened.content.sender == .member(1))
                    confirmationTag = opened.auth.confirmationTag
                    // A wrong membership key is rejected.
                    #expect(throws: MLSError.self) {
                        try message.unprotect(
                            suite: suite, membershipKey: [UInt8](repeating: 0, count: 32), context: context,
                            signaturePublicKey: signaturePub)
                    }
                }
                let content = FramedContent(
                    groupID: context.groupID, epoch: context.epoch, sender: .member(1), authenticatedData: [],
                    body: body)

                // Our own PublicMessage verifies (and is refused for application data).
                let signedPublic = try AuthenticatedContent.sign(
                    suite: suite, key: signatureKey, wireFormat: .publicMessage, content: content, context: context,
                    confirmationTag: confirmationTag)
                if name == "application" {
                    #expect(throws: MLSError.self) {
                        try PublicMessage.protect(
                            signedPublic, suite: suite, membershipKey: membershipKey, context: context)
                    }
                } else {
                    let protected = try PublicMessage.protect(
                        signedPublic, suite: suite, membershipKey: membershipKey, context: context)
                    let reparsed = try PublicMessage(tlsSerialized: protected.tlsSerialized)
                    let opened = try reparsed.unprotect(
                        suite: suite, membershipKey: membershipKey, context: context, signaturePublicKey: signaturePub)
                    #expect(opened.content == content)
                }

                // The vector's PrivateMessage opens.
                var receiverTree = freshTree()
                let vectorPrivate = try privateMessage(try entry.hex("\(name)_priv"))
                let opened = try vectorPrivate.unprotect(
                    suite: suite, secretTree: &receiverTree, senderDataSecret: senderDataSecret, context: context,
                    signaturePublicKey: keyOfLeaf)
                #expect(opened.content.body == body, "\(name)_priv content")
                if name == "application" {
                    confirmationTag = nil
                } else {
                    confirmationTag = opened.auth.confirmationTag
                }

                // Our own PrivateMessage opens with an independent copy of the tree.
                var senderTree = freshTree()
                let signedPrivate = try AuthenticatedContent.sign(
                    suite: suite, key: signatureKey, wireFormat: .privateMessage, content: content, context: context,
                    confirmationTag: confirmationTag)
                let sealed = try PrivateMessage.protect(
                    signedPrivate, suite: suite, secretTree: &senderTree, senderDataSecret: senderDataSecret,
                    reuseGuard: [1, 2, 3, 4], paddingLength: 13)
                var otherTree = freshTree()
                let reopened = try PrivateMessage(tlsSerialized: sealed.tlsSerialized).unprotect(
                    suite: suite, secretTree: &otherTree, senderDataSecret: senderDataSecret, context: context,
                    signaturePublicKey: keyOfLeaf)
                #expect(reopened.content == content)
                #expect(reopened.auth == signedPrivate.auth)

                // A flipped ciphertext bit fails and leaves the receiver's tree usable.
                var tampered = sealed
                tampered.ciphertext[tampered.ciphertext.count - 1] ^= 1
                var tamperTree = freshTree()
                #expect(throws: MLSError.self) {
                    try tampered.unprotect(
                        suite: suite, secretTree: &tamperTree, senderDataSecret: senderDataSecret, context: context,
                        signaturePublicKey: keyOfLeaf)
                }
                _ = try sealed.unprotect(
                    suite: suite, secretTree: &tamperTree, senderDataSecret: senderDataSecret, context: context,
                    signaturePublicKey: keyOfLeaf)
            }
        }
    }
}
