/// Joining a group from a Welcome (RFC 9420 §12.4.3.1).
extension Group {
    /// Joins with the Welcome addressed to `bundle`'s key package.
    ///
    /// The ratchet tree comes from the GroupInfo's `ratchet_tree` extension unless given.
    /// External PSKs named in the Welcome must be in `externalPSKs` (by PSK id); they stay
    /// available to the group. Resumption PSKs (reinit, branch) are not supported.
    public static func join(
        welcome: Welcome, bundle: KeyPackageBundle, ratchetTree: RatchetTree? = nil,
        externalPSKs: [[UInt8]: [UInt8]] = [:], suite: CipherSuite
    ) throws -> Group {
        let groupSecrets = try welcome.decryptGroupSecrets(
            suite: suite, keyPackageRef: bundle.keyPackage.reference(suite: suite), initKey: bundle.initKey)
        let psks = try groupSecrets.psks.map { id in
            guard case .external(let name) = id.kind, let psk = externalPSKs[name] else {
                throw MLSError.invalid("welcome names a pre-shared key we do not have")
            }
            return (id: id, psk: psk)
        }
        let pskSecret = suite.pskSecret(psks)
        let info = try welcome.decryptGroupInfo(
            suite: suite,
            welcomeSecret: EpochSecrets.welcomeSecret(
                suite: suite, joinerSecret: groupSecrets.joinerSecret, pskSecret: pskSecret))
        let context = info.groupContext
        guard bundle.keyPackage.value.cipherSuite == suite.id else {
            throw MLSError.invalid("key package cipher suite differs from the group's")
        }
        let tree = try verifiedTree(of: info, ratchetTree: ratchetTree, suite: suite)

        let ownLeaf = bundle.keyPackage.value.leafNode
        guard let ownIndex = tree.occupiedLeaves.first(where: { tree.leaf($0) == ownLeaf }) else {
            throw MLSError.invalid("our leaf node is not in the tree")
        }
        var keys = TreePrivateKeys(leaf: ownIndex, leafKey: bundle.encryptionKey)
        if let pathSecret = groupSecrets.pathSecret {
            let ancestor = TreeMath.commonAncestor(TreeMath.node(ofLeaf: ownIndex), TreeMath.node(ofLeaf: info.signer))
            let path = tree.filteredDirectPath(info.signer).map(\.node)
            guard let start = path.firstIndex(of: ancestor) else {
                throw MLSError.invalid("path secret given for a node off the committer's path")
            }
            var current = pathSecret
            for node in path[start...] {
                let key = keys.setPathSecret(current, node: node, suite: suite)
                guard tree[node: node]?.encryptionKey == key.publicKey else {
                    throw MLSError.authentication("path secret does not match the tree")
                }
                current = suite.deriveSecret(current, label: "path")
            }
        }

        let secrets = EpochSecrets(
            suite: suite, joinerSecret: groupSecrets.joinerSecret, pskSecret: pskSecret, groupContext: context)
        guard suite.verifyMAC(key: secrets.confirmationKey, context.confirmedTranscriptHash, tag: info.confirmationTag)
        else {
            throw MLSError.authentication("group info confirmation tag")
        }
        var group = Group(
            suite: suite, context: context, tree: tree, keys: keys, signatureKey: bundle.signatureKey, secrets: secrets,
            confirmationTag: info.confirmationTag)
        group.externalPSKs = externalPSKs
        return group
    }
}
