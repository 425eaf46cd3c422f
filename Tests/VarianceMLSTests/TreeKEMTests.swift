import Testing

@testable import VarianceMLS

@Suite struct TreeKEMTests {
    let suite = CipherSuite.mls128X25519

    private struct LeafPrivate {
        var keys: TreePrivateKeys
        var signatureKey: SignaturePrivateKey
    }

    @Test func treeKEMVectors() throws {
        let entries = try MLSVectors.suite1("treekem.json")
        #expect(entries.count == 11)
        var rng = SeededGenerator(seed: 42)
        for (number, entry) in entries.enumerated() {
            let groupID = try entry.hex("group_id")
            let epoch = UInt64(try entry.int("epoch"))
            let transcript = try entry.hex("confirmed_transcript_hash")
            let tree = try RatchetTree(tlsSerialized: try entry.hex("ratchet_tree"))
            func context(_ tree: RatchetTree) -> GroupContext {
                GroupContext(
                    cipherSuite: 1, groupID: groupID, epoch: epoch, treeHash: tree.rootHash(suite: suite),
                    confirmedTranscriptHash: transcript)
            }

            var privates: [UInt32: LeafPrivate] = [:]
            for case let item as [String: Any] in try entry.array("leaves_private") {
                let leaf = UInt32(try item.int("index"))
                var keys = TreePrivateKeys(
                    leaf: leaf, leafKey: try HPKEPrivateKey(rawRepresentation: try item.hex("encryption_priv")))
                for case let secret as [String: Any] in try item.array("path_secrets") {
                    keys.setPathSecret(
                        try secret.hex("path_secret"), node: UInt32(try secret.int("node")), suite: suite)
                }
                #expect(keys.isConsistent(with: tree), "entry \(number) leaf \(leaf) private state")
                privates[leaf] = LeafPrivate(
                    keys: keys, signatureKey: try SignaturePrivateKey(seed: try item.hex("signature_priv")))
            }
            #expect(Set(privates.keys) == Set(tree.occupiedLeaves))

            for case let update as [String: Any] in try entry.array("update_paths") {
                let sender = UInt32(try update.int("sender"))
                let path = try UpdatePath(tlsSerialized: try update.hex("update_path"))
                var merged = tree
                try TreeKEM.merge(path, from: sender, into: &merged, suite: suite, groupID: groupID)
                #expect(
                    merged.rootHash(suite: suite) == (try update.hex("tree_hash_after")),
                    "entry \(number) sender \(sender)")
                let expectedSecrets = try update.array("path_secrets")
                let commitSecret = try update.hex("commit_secret")
                for (leaf, state) in privates where leaf != sender {
                    var keys = state.keys
                    let result = try TreeKEM.decrypt(
                        path, from: sender, tree: merged, keys: &keys, context: context(merged), suite: suite)
                    #expect(result.pathSecret == [UInt8](hex: expectedSecrets[Int(leaf)] as? String ?? ""))
                    #expect(result.commitSecret == commitSecret)
                    #expect(keys.isConsistent(with: merged))
                }

                // Our own path from the same sender reaches everyone with one commit secret.
                guard let senderState = privates[sender], let template = tree.leaf(sender) else {
                    Issue.record("entry \(number): no private state for sender \(sender)")
                    continue
                }
                var ours = tree
                let created = try TreeKEM.createPath(
                    tree: &ours, leaf: sender, leafTemplate: template, signatureKey: senderState.signatureKey,
                    groupID: groupID, suite: suite, context: context, using: &rng)
                #expect(ours.verifyParentHashes(suite: suite))
                #expect(created.keys.isConsistent(with: ours))
                for (leaf, state) in privates where leaf != sender {
                    var receiverTree = tree
                    try TreeKEM.merge(
                        created.updatePath, from: sender, into: &receiverTree, suite: suite, groupID: groupID)
                    #expect(receiverTree == ours)
                    var keys = state.keys
                    let result = try TreeKEM.decrypt(
                        created.updatePath, from: sender, tree: receiverTree, keys: &keys,
                        context: context(receiverTree),
                        suite: suite)
                    #expect(result.commitSecret == created.commitSecret)
                }
                // A path whose leaf claims another parent hash is refused.
                var forged = created.updatePath
                forged.nodes[0].encryptionKey = created.updatePath.nodes.last!.encryptionKey
                var victim = tree
                if created.updatePath.nodes.count > 1 {
                    #expect(throws: MLSError.self) {
                        try TreeKEM.merge(forged, from: sender, into: &victim, suite: suite, groupID: groupID)
                    }
                    #expect(victim == tree)
                }
            }
        }
    }
}
