/// Creating and processing UpdatePaths (RFC 9420 §7.4-7.6, §7.9).
///
/// ```
/// sender:   blank direct path -> path secrets up the filtered direct path -> node keys
///           -> parent hashes (root down) -> re-signed leaf -> encrypt each path secret to
///           the resolution of its copath child (minus new leaves), under the new GroupContext
/// receiver: merge (same shape, recomputed parent hashes must match the signed leaf)
///           -> decrypt the one path secret addressed to us -> derive upwards, checking keys
/// ```
public enum TreeKEM {
    /// The node key pair of a path secret: DeriveKeyPair(DeriveSecret(path_secret, "node")).
    public static func nodeKey(suite: CipherSuite, pathSecret: [UInt8]) -> HPKEPrivateKey {
        suite.deriveKeyPair(suite.deriveSecret(pathSecret, label: "node"))
    }

    /// Fills in parent hashes along `filteredPath` (from the root down) and returns the
    /// parent hash the leaf must carry.
    static func applyParentHashes(
        to tree: inout RatchetTree, filteredPath: [(node: UInt32, copathChild: UInt32)], suite: CipherSuite
    ) throws -> [UInt8] {
        // Copath subtrees do not change below; hash what changed before the path is filled in.
        tree.cacheTreeHashes(suite: suite)
        var above: [UInt8] = []
        for entry in filteredPath.reversed() {
            guard var parent = tree.parent(entry.node) else { throw MLSError.wrongState("path node is blank") }
            parent.parentHash = above
            tree.setNode(entry.node, .parent(parent))
            above = RatchetTree.parentHash(
                suite: suite, parent: parent,
                originalSiblingTreeHash: tree.treeHash(suite: suite, node: entry.copathChild))
        }
        return above
    }

    /// The resolution of `node` without the leaves in `excluded`.
    static func resolution(of node: UInt32, in tree: RatchetTree, excluding excluded: Set<UInt32>) -> [UInt32] {
        tree.resolution(node).filter { !(TreeMath.isLeaf($0) && excluded.contains($0 / 2)) }
    }

    /// Merges `path`, sent by leaf `sender`, into `tree`: checks its length against the
    /// filtered direct path, that the leaf is commit-sourced, correctly signed, and carries
    /// the recomputed parent hash. `tree` is unchanged on error.
    public static func merge(
        _ path: UpdatePath, from sender: UInt32, into tree: inout RatchetTree, suite: CipherSuite, groupID: [UInt8]
    ) throws {
        guard tree.leaf(sender) != nil else { throw MLSError.invalid("update path from a blank leaf") }
        guard case .commit(let signedParentHash) = path.leafNode.source else {
            throw MLSError.invalid("update path leaf is not commit-sourced")
        }
        guard path.leafNode.verifySignature(suite: suite, groupID: groupID, leafIndex: sender) else {
            throw MLSError.authentication("update path leaf signature")
        }
        var updated = tree
        let leafNode = TreeMath.node(ofLeaf: sender)
        updated.blankDirectPath(of: leafNode)
        let filtered = updated.filteredDirectPath(sender)
        guard filtered.count == path.nodes.count else {
            throw MLSError.invalid("update path length differs from the filtered direct path")
        }
        for (entry, node) in zip(filtered, path.nodes) {
            updated.setNode(
                entry.node, .parent(ParentNode(encryptionKey: node.encryptionKey, parentHash: [], unmergedLeaves: [])))
        }
        let expected = try applyParentHashes(to: &updated, filteredPath: filtered, suite: suite)
        guard expected == signedParentHash else { throw MLSError.authentication("update path parent hash") }
        updated.setNode(leafNode, .leaf(path.leafNode))
        updated.cacheTreeHashes(suite: suite)
        tree = updated
    }

    /// Decrypts the path secret addressed to the holder of `keys` from `path` (already merged
    /// into `tree`), derives the keys above it and returns the commit secret.
    ///
    /// `context` is the provisional GroupContext (with the merged tree's hash); `excluded`
    /// are the leaves added by the same commit. `keys` gains the new path keys and loses
    /// stale ones.
    public static func decrypt(
        _ path: UpdatePath, from sender: UInt32, tree: RatchetTree, keys: inout TreePrivateKeys,
        context: GroupContext, excluding excluded: Set<UInt32> = [], suite: CipherSuite
    ) throws -> (pathSecret: [UInt8], commitSecret: [UInt8]) {
        let me = TreeMath.node(ofLeaf: keys.leaf)
        let filtered = tree.filteredDirectPath(sender)
        guard filtered.count == path.nodes.count else { throw MLSError.invalid("update path length mismatch") }
        guard let position = filtered.firstIndex(where: { TreeMath.isInSubtree(me, of: $0.copathChild) }) else {
            throw MLSError.invalid("no update path node covers this member")
        }
        let resolution = resolution(of: filtered[position].copathChild, in: tree, excluding: excluded)
        let ciphertexts = path.nodes[position].encryptedPathSecret
        guard resolution.count == ciphertexts.count else {
            throw MLSError.invalid("encrypted path secret count differs from the resolution")
        }
        guard let slot = resolution.firstIndex(where: { keys.key(for: $0, in: tree) != nil }),
            let key = keys.key(for: resolution[slot], in: tree)
        else { throw MLSError.wrongState("no private key for the copath resolution") }
        let pathSecret = try suite.decryptWithLabel(
            key, label: "UpdatePathNode", context: context.tlsSerialized, kemOutput: ciphertexts[slot].kemOutput,
            ciphertext: ciphertexts[slot].ciphertext)

        var derived: [(UInt32, HPKEPrivateKey)] = []
        var current = pathSecret
        for index in position..<filtered.count {
            let nodeKey = nodeKey(suite: suite, pathSecret: current)
            guard nodeKey.publicKey == path.nodes[index].encryptionKey else {
                throw MLSError.authentication("derived path key differs from the update path")
            }
            derived.append((filtered[index].node, nodeKey))
            current = suite.deriveSecret(current, label: "path")
        }
        keys.prune(to: tree)
        for (node, nodeKey) in derived { keys.setKey(nodeKey, node: node) }
        return (pathSecret, current)
    }

    /// The result of creating an UpdatePath.
    public struct CreatedPath: Sendable {
        /// The UpdatePath to put in the Commit.
        public let updatePath: UpdatePath
        /// The commit secret for the key schedule.
        public let commitSecret: [UInt8]
        /// Path secrets by node index (for Welcome messages).
        public let pathSecrets: [UInt32: [UInt8]]
        /// The sender's new private keys.
        public let keys: TreePrivateKeys
    }

    /// Creates an UpdatePath for leaf `leaf` and merges it into `tree`.
    ///
    /// `leafTemplate` supplies the new leaf's signature key, credential, capabilities and
    /// extensions; its encryption key, source and signature are replaced. `context` builds
    /// the provisional GroupContext from the updated tree. `excluded` are leaves added by the
    /// same commit.
    public static func createPath(
        tree: inout RatchetTree, leaf: UInt32, leafTemplate: LeafNode, signatureKey: SignaturePrivateKey,
        groupID: [UInt8], excluding excluded: Set<UInt32> = [], suite: CipherSuite,
        context: (RatchetTree) -> GroupContext, using rng: inout some RandomNumberGenerator
    ) throws -> CreatedPath {
        guard tree.leaf(leaf) != nil else { throw MLSError.invalid("update path for a blank leaf") }
        var updated = tree
        let leafIndexNode = TreeMath.node(ofLeaf: leaf)
        updated.blankDirectPath(of: leafIndexNode)
        let filtered = updated.filteredDirectPath(leaf)

        let leafKey = HPKEPrivateKey.generate(using: &rng)
        var keys = TreePrivateKeys(leaf: leaf, leafKey: leafKey)
        var secrets: [UInt32: [UInt8]] = [:]
        var steps: [(copathChild: UInt32, secret: [UInt8], publicKey: [UInt8])] = []
        var current = randomBytes(suite.hashLength, using: &rng)
        for entry in filtered {
            secrets[entry.node] = current
            let nodeKey = keys.setPathSecret(current, node: entry.node, suite: suite)
            steps.append((entry.copathChild, current, nodeKey.publicKey))
            updated.setNode(
                entry.node, .parent(ParentNode(encryptionKey: nodeKey.publicKey, parentHash: [], unmergedLeaves: [])))
            current = suite.deriveSecret(current, label: "path")
        }
        let parentHash = try applyParentHashes(to: &updated, filteredPath: filtered, suite: suite)
        var newLeaf = leafTemplate
        newLeaf.encryptionKey = leafKey.publicKey
        newLeaf.source = .commit(parentHash: parentHash)
        try newLeaf.sign(suite: suite, key: signatureKey, groupID: groupID, leafIndex: leaf)
        updated.setNode(leafIndexNode, .leaf(newLeaf))
        updated.cacheTreeHashes(suite: suite)

        let prepared = suite.prepareEncryptContext(label: "UpdatePathNode", context: context(updated).tlsSerialized)
        var pathNodes: [UpdatePathNode] = []
        for step in steps {
            let ciphertexts = try resolution(of: step.copathChild, in: updated, excluding: excluded).map { target in
                try suite.encryptWithLabel(
                    publicKey: updated[node: target]?.encryptionKey ?? [], prepared: prepared, plaintext: step.secret)
            }
            pathNodes.append(UpdatePathNode(encryptionKey: step.publicKey, encryptedPathSecret: ciphertexts))
        }
        tree = updated
        return CreatedPath(
            updatePath: UpdatePath(leafNode: newLeaf, nodes: pathNodes), commitSecret: current, pathSecrets: secrets,
            keys: keys)
    }
}
