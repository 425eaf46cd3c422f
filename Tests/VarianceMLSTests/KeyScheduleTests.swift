import Testing

@testable import VarianceMLS

@Suite struct KeyScheduleTests {
    let suite = CipherSuite.mls128X25519

    @Test func keyScheduleVectors() throws {
        let entries = try MLSVectors.suite1("key-schedule.json")
        #expect(entries.count == 1)
        for entry in entries {
            let groupID = try entry.hex("group_id")
            var initSecret = try entry.hex("initial_init_secret")
            let epochs = try entry.array("epochs")
            #expect(epochs.count == 5)
            for (number, item) in epochs.enumerated() {
                guard let epoch = item as? [String: Any] else { throw VectorError.missing("epoch") }
                let context = GroupContext(
                    cipherSuite: 1, groupID: groupID, epoch: UInt64(number), treeHash: try epoch.hex("tree_hash"),
                    confirmedTranscriptHash: try epoch.hex("confirmed_transcript_hash"))
                #expect(context.tlsSerialized == (try epoch.hex("group_context")))
                let secrets = EpochSecrets(
                    suite: suite, initSecret: initSecret, commitSecret: try epoch.hex("commit_secret"),
                    pskSecret: try epoch.hex("psk_secret"), groupContext: context)
                #expect(secrets.joinerSecret == (try epoch.hex("joiner_secret")))
                #expect(secrets.welcomeSecret == (try epoch.hex("welcome_secret")))
                #expect(secrets.senderDataSecret == (try epoch.hex("sender_data_secret")))
                #expect(secrets.encryptionSecret == (try epoch.hex("encryption_secret")))
                #expect(secrets.exporterSecret == (try epoch.hex("exporter_secret")))
                #expect(secrets.epochAuthenticator == (try epoch.hex("epoch_authenticator")))
                #expect(secrets.externalSecret == (try epoch.hex("external_secret")))
                #expect(secrets.confirmationKey == (try epoch.hex("confirmation_key")))
                #expect(secrets.membershipKey == (try epoch.hex("membership_key")))
                #expect(secrets.resumptionPSK == (try epoch.hex("resumption_psk")))
                #expect(secrets.initSecret == (try epoch.hex("init_secret")))
                #expect(secrets.externalPublicKey(suite: suite) == (try epoch.hex("external_pub")))
                let exporter = try epoch.object("exporter")
                #expect(
                    secrets.exporter(
                        suite: suite, label: try exporter.string("label"), context: try exporter.hex("context"),
                        length: try exporter.int("length")) == (try exporter.hex("secret")))
                // A joiner starting from the joiner secret reaches the same epoch.
                let joined = EpochSecrets(
                    suite: suite, joinerSecret: secrets.joinerSecret, pskSecret: try epoch.hex("psk_secret"),
                    groupContext: context)
                #expect(joined == secrets)
                initSecret = secrets.initSecret
            }
        }
    }

    @Test func pskSecretVectors() throws {
        let entries = try MLSVectors.suite1("psk_secret.json")
        #expect(entries.count == 11)
        for entry in entries {
            var psks: [(id: PreSharedKeyID, psk: [UInt8])] = []
            for case let item as [String: Any] in try entry.array("psks") {
                let id = PreSharedKeyID(kind: .external(id: try item.hex("psk_id")), nonce: try item.hex("psk_nonce"))
                #expect(try PreSharedKeyID(tlsSerialized: id.tlsSerialized) == id)
                psks.append((id, try item.hex("psk")))
            }
            #expect(suite.pskSecret(psks) == (try entry.hex("psk_secret")))
        }
    }

    @Test func transcriptHashVectors() throws {
        let entries = try MLSVectors.suite1("transcript-hashes.json")
        #expect(entries.count == 1)
        for entry in entries {
            let bytes = try entry.hex("authenticated_content")
            let content = try AuthenticatedContent(tlsSerialized: bytes)
            #expect(content.tlsSerialized == bytes)
            guard case .commit = content.content.body, let tag = content.auth.confirmationTag else {
                Issue.record("authenticated_content is not a commit")
                continue
            }
            let confirmed = suite.confirmedTranscriptHash(
                interimBefore: try entry.hex("interim_transcript_hash_before"), wireFormat: content.wireFormat,
                content: content.content, signature: content.auth.signature)
            #expect(confirmed == (try entry.hex("confirmed_transcript_hash_after")))
            #expect(suite.verifyMAC(key: try entry.hex("confirmation_key"), confirmed, tag: tag))
            #expect(
                suite.interimTranscriptHash(confirmed: confirmed, confirmationTag: tag)
                    == (try entry.hex("interim_transcript_hash_after")))
        }
    }
}
