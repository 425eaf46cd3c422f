/// Creating commits and Welcome messages (RFC 9420 §12.4.1).
extension Group {
    /// What a commit produces.
    public struct CommitResult: Sendable {
        /// The commit, protected with the old epoch's keys, for every current member.
        public let message: MLSMessage
        /// The Welcome for the members it adds, if any.
        public let welcome: MLSMessage?
        /// Our state in the new epoch. Adopt it once the commit is accepted by the group.
        public let group: Group
    }

    /// Commits the pending proposals plus the given inline ones, with a full UpdatePath.
    ///
    /// Pending proposals are chosen as RFC 9420 §12.2 advises: none that update or remove us
    /// (the UpdatePath refreshes our leaf), a Remove wins over Updates of the same leaf, the
    /// latest Update of a leaf wins, duplicate Removes and PSKs are dropped, and the last
    /// GroupContextExtensions wins unless `groupContextExtensions` replaces it. `self` stays in
    /// the old epoch but its handshake ratchet has moved on, so the commit's key is never reused.
    /// With `ratchetTreeInWelcome` false the newcomers need `CommitResult.group.tree` out of band.
    public mutating func commit(
        adding keyPackages: [UnverifiedKeyPackage] = [], removing removals: [UInt32] = [],
        groupContextExtensions: [Extension]? = nil, externalPSKs externalPSKIDs: [[UInt8]] = [],
        wireFormat: WireFormat = .privateMessage, includePath: Bool = true, ratchetTreeInWelcome: Bool = true,
        now: UInt64,
        using rng: inout some RandomNumberGenerator
    ) throws -> CommitResult {
        guard isActive, let ownLeaf = tree.leaf(ownLeafIndex) else {
            throw MLSError.wrongState("member was removed from the group")
        }
        var entries: [ProposalEntry] = []
        var references: [ProposalOrRef] = []
        for item in selectedPending(removing: Set(removals), replacingExtensions: groupContextExtensions != nil) {
            entries.append(ProposalEntry(proposal: item.proposal, sender: item.sender, updateKey: nil))
            references.append(.reference(item.reference))
        }
        var inline: [Proposal] =
            keyPackages.map { .add(Add(keyPackage: $0)) } + removals.map { .remove(Remove(removed: $0)) }
        for id in externalPSKIDs {
            let pskID = PreSharedKeyID(kind: .external(id: id), nonce: randomBytes(suite.hashLength, using: &rng))
            inline.append(.preSharedKey(PreSharedKeyProposal(psk: pskID)))
        }
        if let groupContextExtensions {
            inline.append(.groupContextExtensions(GroupContextExtensions(extensions: groupContextExtensions)))
        }
        for proposal in inline {
            entries.append(ProposalEntry(proposal: proposal, sender: .member(ownLeafIndex), updateKey: nil))
            references.append(.proposal(proposal))
        }

        var newTree = tree
        let applied = try applyProposals(entries, committer: ownLeafIndex, now: now, tree: &newTree)
        let newEpoch = epoch + 1
        let oldContext = context
        let created: TreeKEM.CreatedPath?
        if includePath {
            created = try TreeKEM.createPath(
                tree: &newTree, leaf: ownLeafIndex, leafTemplate: ownLeaf, signatureKey: signatureKey,
                groupID: groupID, excluding: Set(applied.added.map(\.leaf)), suite: suite,
                context: { updated in
                    GroupContext(
                        cipherSuite: oldContext.cipherSuite, groupID: oldContext.groupID, epoch: newEpoch,
                        treeHash: updated.rootHash(suite: self.suite),
                        confirmedTranscriptHash: oldContext.confirmedTranscriptHash, extensions: applied.extensions)
                }, using: &rng)
        } else {
            // RFC 9420 §12.4: only a non-empty list of Add/PSK/ReInit proposals may go without a path.
            guard !entries.isEmpty, !applied.pathRequired else {
                throw MLSError.invalid("this commit needs an update path")
            }
            created = nil
        }
        let commit = Commit(proposals: references, path: created?.updatePath)
        newTree.cacheTreeHashes(suite: suite)

        let content = FramedContent(
            groupID: groupID, epoch: epoch, sender: .member(ownLeafIndex), authenticatedData: [], body: .commit(commit))
        var authenticated = try AuthenticatedContent.sign(
            suite: suite, key: signatureKey, wireFormat: wireFormat, content: content, context: context,
            confirmationTag: [])
        let confirmed = suite.confirmedTranscriptHash(
            interimBefore: interimTranscriptHash, wireFormat: wireFormat, content: content,
            signature: authenticated.auth.signature)
        let newContext = GroupContext(
            cipherSuite: suite.id, groupID: groupID, epoch: newEpoch, treeHash: newTree.rootHash(suite: suite),
            confirmedTranscriptHash: confirmed, extensions: applied.extensions)
        let newSecrets = EpochSecrets(
            suite: suite, initSecret: secrets.initSecret,
            commitSecret: created?.commitSecret ?? [UInt8](repeating: 0, count: suite.hashLength),
            pskSecret: try pskSecret(for: applied.psks), groupContext: newContext)
        let tag = suite.mac(key: newSecrets.confirmationKey, confirmed)
        authenticated.auth.confirmationTag = tag

        var old = self
        let message = try old.protect(authenticated, using: &rng)
        let next = carryingOver(
            into: Group(
                suite: suite, context: newContext, tree: newTree, keys: created?.keys ?? keys,
                signatureKey: signatureKey,
                secrets: newSecrets,
                confirmationTag: tag))

        var welcome: MLSMessage?
        if !applied.added.isEmpty {
            welcome = MLSMessage(
                .welcome(
                    try next.makeWelcome(
                        confirmationTag: tag, newMembers: applied.added, pathSecrets: created?.pathSecrets ?? [:],
                        psks: applied.psks, includeTree: ratchetTreeInWelcome)))
        }
        self = old
        return CommitResult(message: message, welcome: welcome, group: next)
    }

    /// Builds the Welcome of the epoch this group is in, for members just added.
    private func makeWelcome(
        confirmationTag: [UInt8], newMembers: [(leaf: UInt32, keyPackage: UnverifiedKeyPackage)],
        pathSecrets: [UInt32: [UInt8]], psks: [PreSharedKeyID], includeTree: Bool
    ) throws -> Welcome {
        var info = UnverifiedGroupInfo(
            groupContext: context,
            extensions: includeTree
                ? [Extension(extensionType: ExtensionType.ratchetTree, extensionData: tree.tlsSerialized)] : [],
            confirmationTag: confirmationTag, signer: ownLeafIndex, signature: [])
        try info.sign(suite: suite, key: signatureKey)
        let (key, nonce) = suite.welcomeKeyAndNonce(secrets.welcomeSecret)
        let encryptedInfo = try suite.seal(key: key, nonce: nonce, aad: [], plaintext: info.tlsSerialized)
        // One EncryptContext (it holds the whole encrypted GroupInfo) for every newcomer.
        let prepared = suite.prepareEncryptContext(label: "Welcome", context: encryptedInfo)
        let entries = try newMembers.map { member in
            let ancestor = TreeMath.commonAncestor(
                TreeMath.node(ofLeaf: ownLeafIndex), TreeMath.node(ofLeaf: member.leaf))
            let groupSecrets = GroupSecrets(
                joinerSecret: secrets.joinerSecret, pathSecret: pathSecrets[ancestor], psks: psks)
            return EncryptedGroupSecrets(
                newMember: member.keyPackage.reference(suite: suite),
                encryptedGroupSecrets: try suite.encryptWithLabel(
                    publicKey: member.keyPackage.initKey, prepared: prepared, plaintext: groupSecrets.tlsSerialized))
        }
        return Welcome(cipherSuite: suite.id, secrets: entries, encryptedGroupInfo: encryptedInfo)
    }

    /// The pending proposals a commit of ours should carry (see ``commit(adding:removing:groupContextExtensions:externalPSKs:wireFormat:now:using:)``).
    private func selectedPending(removing inlineRemovals: Set<UInt32>, replacingExtensions: Bool) -> [PendingProposal] {
        var removed = inlineRemovals
        var keep = [Bool](repeating: false, count: pending.count)
        var latestUpdate: [UInt32: Int] = [:]
        var lastExtensions: Int?
        var psks = Set<PreSharedKeyID>()
        for (index, item) in pending.enumerated() {
            switch item.proposal {
            case .remove(let remove):
                if remove.removed != ownLeafIndex, removed.insert(remove.removed).inserted { keep[index] = true }
            case .update:
                if case .member(let leaf) = item.sender, leaf != ownLeafIndex { latestUpdate[leaf] = index }
            case .groupContextExtensions:
                lastExtensions = index
            case .preSharedKey(let body):
                if psks.insert(body.psk).inserted { keep[index] = true }
            default:
                keep[index] = true
            }
        }
        for (leaf, index) in latestUpdate where !removed.contains(leaf) { keep[index] = true }
        if let lastExtensions, !replacingExtensions { keep[lastExtensions] = true }
        return pending.indices.filter { keep[$0] }.map { pending[$0] }
    }
}
