/// GroupInfo publication and joining by external commit (RFC 9420 §12.4.3.2).
extension Group {
    /// A signed GroupInfo for the current epoch, with `external_pub` and, unless told not
    /// to, the ratchet tree. Anyone holding it can join by external commit.
    public func groupInfo(includeRatchetTree: Bool = true) throws -> MLSMessage {
        guard isActive else { throw MLSError.wrongState("member was removed from the group") }
        var external = TLSWriter()
        external.writeOpaque(secrets.externalPublicKey(suite: suite))
        var extensions = [Extension(extensionType: ExtensionType.externalPub, extensionData: external.bytes)]
        if includeRatchetTree {
            extensions.append(Extension(extensionType: ExtensionType.ratchetTree, extensionData: tree.tlsSerialized))
        }
        var info = UnverifiedGroupInfo(
            groupContext: context, extensions: extensions, confirmationTag: confirmationTag, signer: ownLeafIndex,
            signature: [])
        try info.sign(suite: suite, key: signatureKey)
        return MLSMessage(.groupInfo(info))
    }

    /// The checked tree and context of a GroupInfo, as a joiner sees them.
    static func verifiedTree(
        of info: UnverifiedGroupInfo, ratchetTree: RatchetTree?, suite: CipherSuite
    ) throws -> RatchetTree {
        let context = info.groupContext
        guard context.version == 1, context.cipherSuite == suite.id else {
            throw MLSError.invalid("group version or cipher suite is not ours")
        }
        var tree: RatchetTree
        if let ratchetTree {
            tree = ratchetTree
        } else if let data = info.extensions.data(ofType: ExtensionType.ratchetTree) {
            tree = try RatchetTree(tlsSerialized: data)
        } else {
            throw MLSError.invalid("no ratchet tree was given or attached")
        }
        guard let signerLeaf = tree.leaf(info.signer) else { throw MLSError.invalid("group info signer leaf is blank") }
        _ = try info.verify(suite: suite, signerPublicKey: signerLeaf.signatureKey)
        // Hash every node once; validation and later epochs reuse these hashes.
        guard tree.cacheTreeHashes(suite: suite) == context.treeHash else {
            throw MLSError.authentication("ratchet tree does not match the group's tree hash")
        }
        try tree.validate(suite: suite, groupID: context.groupID)
        return tree
    }

    /// Joins the group described by `groupInfo` with an external commit, optionally removing
    /// our own old appearance at `resyncing`. Returns the commit (a PublicMessage for every
    /// member) and our state in the new epoch.
    public static func joinByExternalCommit(
        groupInfo info: UnverifiedGroupInfo, ratchetTree: RatchetTree? = nil, credential: Credential,
        signatureKey: SignaturePrivateKey, capabilities: Capabilities = Capabilities(),
        resyncing oldLeaf: UInt32? = nil,
        suite: CipherSuite, using rng: inout some RandomNumberGenerator
    ) throws -> (message: MLSMessage, group: Group) {
        var tree = try verifiedTree(of: info, ratchetTree: ratchetTree, suite: suite)
        let context = info.groupContext
        guard let externalData = info.extensions.data(ofType: ExtensionType.externalPub) else {
            throw MLSError.invalid("group info has no external_pub")
        }
        var externalReader = TLSReader(externalData)
        let externalPub = try externalReader.readOpaque()
        try externalReader.finish()
        let (kemOutput, initSecret) = try suite.externalInit(publicKey: externalPub)

        var proposals: [ProposalOrRef] = [.proposal(.externalInit(ExternalInit(kemOutput: kemOutput)))]
        if let oldLeaf {
            try tree.removeLeaf(oldLeaf)
            proposals.append(.proposal(.remove(Remove(removed: oldLeaf))))
        }
        let template = LeafNode(
            encryptionKey: [], signatureKey: signatureKey.publicKey, credential: credential, capabilities: capabilities,
            source: .update)
        let leaf = try tree.addLeaf(template)
        let newEpoch = context.epoch + 1
        let created = try TreeKEM.createPath(
            tree: &tree, leaf: leaf, leafTemplate: template, signatureKey: signatureKey, groupID: context.groupID,
            suite: suite,
            context: { updated in
                GroupContext(
                    cipherSuite: suite.id, groupID: context.groupID, epoch: newEpoch,
                    treeHash: updated.rootHash(suite: suite), confirmedTranscriptHash: context.confirmedTranscriptHash,
                    extensions: context.extensions)
            }, using: &rng)

        let content = FramedContent(
            groupID: context.groupID, epoch: context.epoch, sender: .newMemberCommit, authenticatedData: [],
            body: .commit(Commit(proposals: proposals, path: created.updatePath)))
        var authenticated = try AuthenticatedContent.sign(
            suite: suite, key: signatureKey, wireFormat: .publicMessage, content: content, context: context,
            confirmationTag: [])
        let confirmed = suite.confirmedTranscriptHash(
            interimBefore: suite.interimTranscriptHash(
                confirmed: context.confirmedTranscriptHash, confirmationTag: info.confirmationTag),
            wireFormat: .publicMessage, content: content, signature: authenticated.auth.signature)
        let newContext = GroupContext(
            cipherSuite: suite.id, groupID: context.groupID, epoch: newEpoch, treeHash: tree.rootHash(suite: suite),
            confirmedTranscriptHash: confirmed, extensions: context.extensions)
        let secrets = EpochSecrets(
            suite: suite, initSecret: initSecret, commitSecret: created.commitSecret, pskSecret: suite.pskSecret([]),
            groupContext: newContext)
        let tag = suite.mac(key: secrets.confirmationKey, confirmed)
        authenticated.auth.confirmationTag = tag
        let message = try PublicMessage.protect(authenticated, suite: suite, membershipKey: [], context: context)
        let group = Group(
            suite: suite, context: newContext, tree: tree, keys: created.keys, signatureKey: signatureKey,
            secrets: secrets, confirmationTag: tag)
        return (MLSMessage(.publicMessage(message)), group)
    }

    /// Processes an external commit (sender `new_member_commit`) already authenticated with
    /// the signature key of its path's leaf.
    func applyExternalCommit(
        _ commit: Commit, path: UpdatePath, authenticated: AuthenticatedContent
    ) throws -> (Received, Group) {
        var kemOutput: [UInt8]?
        var removal: UInt32?
        var psks: [PreSharedKeyID] = []
        for item in commit.proposals {
            guard case .proposal(let proposal) = item else {
                throw MLSError.invalid("external commit refers to a proposal by reference")
            }
            switch proposal {
            case .externalInit(let body) where kemOutput == nil:
                kemOutput = body.kemOutput
            case .remove(let body) where removal == nil:
                guard tree.leaf(body.removed) != nil else { throw MLSError.invalid("removal of a blank leaf") }
                removal = body.removed
            case .preSharedKey(let body):
                guard body.psk.nonce.count == suite.hashLength, psk(for: body.psk) != nil, !psks.contains(body.psk)
                else {
                    throw MLSError.invalid("unusable PSK in external commit")
                }
                psks.append(body.psk)
            default:
                throw MLSError.invalid("proposal not allowed in an external commit")
            }
        }
        guard let kemOutput else { throw MLSError.invalid("external commit without ExternalInit") }

        var newTree = tree
        if let removal { try newTree.removeLeaf(removal) }
        let existing = Set(newTree.nodes.compactMap { $0?.encryptionKey })
        let proposed = [path.leafNode.encryptionKey] + path.nodes.map(\.encryptionKey)
        guard Set(proposed).count == proposed.count, existing.isDisjoint(with: proposed),
            !newTree.occupiedLeaves.contains(where: { newTree.leaf($0)?.signatureKey == path.leafNode.signatureKey })
        else { throw MLSError.invalid("external commit reuses a key of the group") }
        var probe = self
        probe.tree = newTree
        try probe.checkLeafNode(path.leafNode, replacing: nil, extensions: context.extensions)
        let sender = try newTree.addLeaf(path.leafNode)
        if removal == ownLeafIndex {
            var removed = self
            removed.isActive = false
            removed.pending = []
            return (.removed(by: sender), removed)
        }

        try TreeKEM.merge(path, from: sender, into: &newTree, suite: suite, groupID: groupID)
        let newEpoch = epoch + 1
        let provisional = GroupContext(
            cipherSuite: suite.id, groupID: groupID, epoch: newEpoch, treeHash: newTree.rootHash(suite: suite),
            confirmedTranscriptHash: context.confirmedTranscriptHash, extensions: context.extensions)
        var newKeys = keys
        let commitSecret = try TreeKEM.decrypt(
            path, from: sender, tree: newTree, keys: &newKeys, context: provisional, suite: suite
        ).commitSecret
        let initSecret = try suite.externalInitSecret(
            privateKey: suite.deriveKeyPair(secrets.externalSecret), kemOutput: kemOutput)

        let confirmed = suite.confirmedTranscriptHash(
            interimBefore: interimTranscriptHash, wireFormat: .publicMessage, content: authenticated.content,
            signature: authenticated.auth.signature)
        let newContext = GroupContext(
            cipherSuite: suite.id, groupID: groupID, epoch: newEpoch, treeHash: newTree.rootHash(suite: suite),
            confirmedTranscriptHash: confirmed, extensions: context.extensions)
        let newSecrets = EpochSecrets(
            suite: suite, initSecret: initSecret, commitSecret: commitSecret, pskSecret: try pskSecret(for: psks),
            groupContext: newContext)
        guard let tag = authenticated.auth.confirmationTag,
            suite.verifyMAC(key: newSecrets.confirmationKey, confirmed, tag: tag)
        else { throw MLSError.authentication("confirmation tag") }
        newKeys.prune(to: newTree)
        guard newKeys.keys[TreeMath.node(ofLeaf: ownLeafIndex)] != nil else {
            throw MLSError.wrongState("lost the private key of our own leaf")
        }
        let next = carryingOver(
            into: Group(
                suite: suite, context: newContext, tree: newTree, keys: newKeys, signatureKey: signatureKey,
                secrets: newSecrets, confirmationTag: tag))
        return (.commit(sender: sender, epoch: newEpoch), next)
    }
}
