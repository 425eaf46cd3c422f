/// Processing messages from other members (RFC 9420 §6, §12.4.2, §15).
extension Group {
    /// What a processed message turned out to be.
    public enum Received: Sendable, Equatable {
        /// Application data from a member.
        case application(sender: UInt32, data: [UInt8], authenticatedData: [UInt8])
        /// A proposal, now pending until the next commit. Non-members may propose too: an
        /// external sender of the `external_senders` extension, or a client asking to be added.
        case proposal(sender: Sender, proposal: Proposal)
        /// A commit that moved the group to `epoch`.
        case commit(sender: UInt32, epoch: UInt64)
        /// A commit that removed us; the group is no longer usable.
        case removed(by: UInt32)
    }

    /// Processes `message` at Unix time `now`, returning what it was and our next state
    /// without changing `self` (stage, persist, then adopt the returned value).
    ///
    /// `now` is used to check the lifetimes of key packages in received Adds; RFC 9420 §7.3
    /// only recommends that check for received messages, and `nil` skips it.
    public func processed(_ message: MLSMessage, now: UInt64?) throws -> (Received, Group) {
        guard isActive else { throw MLSError.wrongState("member was removed from the group") }
        var next = self
        let authenticated: AuthenticatedContent
        switch message.body {
        case .publicMessage(let publicMessage):
            guard publicMessage.content.groupID == groupID, publicMessage.content.epoch == epoch else {
                throw MLSError.wrongState("message is for another group or epoch")
            }
            switch publicMessage.content.sender {
            case .newMemberCommit:
                guard case .commit(let commit) = publicMessage.content.body, let path = commit.path else {
                    throw MLSError.invalid("new-member commit without a commit or update path")
                }
                let authenticated = try publicMessage.unprotect(
                    suite: suite, membershipKey: secrets.membershipKey, context: context,
                    signaturePublicKey: path.leafNode.signatureKey)
                return try applyExternalCommit(commit, path: path, authenticated: authenticated)
            case .newMemberProposal, .external:
                return try processedNonMemberProposal(publicMessage, now: now)
            case .member:
                break
            }
            guard case .member(let sender) = publicMessage.content.sender, let leaf = tree.leaf(sender) else {
                throw MLSError.invalid("public message not from a current member")
            }
            authenticated = try publicMessage.unprotect(
                suite: suite, membershipKey: secrets.membershipKey, context: context,
                signaturePublicKey: leaf.signatureKey)
        case .privateMessage(let privateMessage):
            if privateMessage.groupID == groupID, privateMessage.epoch != epoch {
                return try processedLateApplication(privateMessage)
            }
            let currentTree = tree
            authenticated = try privateMessage.unprotect(
                suite: suite, secretTree: &next.secretTree, senderDataSecret: secrets.senderDataSecret, context: context
            ) { leafIndex in
                guard let leaf = currentTree.leaf(leafIndex) else { throw MLSError.invalid("sender leaf is blank") }
                return leaf.signatureKey
            }
        default:
            throw MLSError.invalid("not a group message")
        }
        guard case .member(let sender) = authenticated.content.sender else {
            throw MLSError.invalid("only member senders are supported")
        }
        guard sender != ownLeafIndex else { throw MLSError.wrongState("our own message came back") }

        switch authenticated.content.body {
        case .application(let data):
            return (
                .application(sender: sender, data: data, authenticatedData: authenticated.content.authenticatedData),
                next
            )
        case .proposal(let proposal):
            try checkProposal(proposal, sender: .member(sender), now: now)
            try next.appendPending(
                PendingProposal(
                    reference: authenticated.proposalReference(suite: suite), proposal: proposal,
                    sender: .member(sender), updateKey: nil))
            return (.proposal(sender: .member(sender), proposal: proposal), next)
        case .commit(let commit):
            return try next.applyCommit(commit, authenticated: authenticated, sender: sender, now: now)
        }
    }

    /// Processes `message` and adopts the resulting state; `self` is unchanged on error.
    public mutating func process(_ message: MLSMessage, now: UInt64?) throws -> Received {
        let (received, next) = try processed(message, now: now)
        self = next
        return received
    }

    private func applyCommit(
        _ commit: Commit, authenticated: AuthenticatedContent, sender: UInt32, now: UInt64?
    ) throws -> (Received, Group) {
        var entries: [ProposalEntry] = []
        for item in commit.proposals {
            switch item {
            case .proposal(let proposal):
                entries.append(ProposalEntry(proposal: proposal, sender: .member(sender), updateKey: nil))
            case .reference(let reference):
                guard let found = pending.first(where: { $0.reference == reference }) else {
                    throw MLSError.invalid("commit references an unknown proposal")
                }
                entries.append(
                    ProposalEntry(proposal: found.proposal, sender: found.sender, updateKey: found.updateKey))
            }
        }
        var newTree = tree
        let applied = try applyProposals(entries, committer: sender, now: now, tree: &newTree)
        if applied.removed.contains(ownLeafIndex) {
            var removed = self
            removed.isActive = false
            removed.pending = []
            return (.removed(by: sender), removed)
        }

        var newKeys = keys
        if let ownUpdateKey = applied.ownUpdateKey {
            newKeys = TreePrivateKeys(leaf: ownLeafIndex, leafKey: ownUpdateKey)
        }
        newKeys.prune(to: newTree)
        let newEpoch = epoch + 1
        var commitSecret = [UInt8](repeating: 0, count: suite.hashLength)
        if let path = commit.path {
            guard let committerLeaf = newTree.leaf(sender), committerLeaf.encryptionKey != path.leafNode.encryptionKey
            else {
                throw MLSError.invalid("update path keeps the committer's encryption key")
            }
            var proposed = KeyLookup()
            for key in [path.leafNode.encryptionKey] + path.nodes.map(\.encryptionKey) {
                guard proposed.insert(key) else { throw MLSError.invalid("update path reuses an encryption key") }
            }
            guard !newTree.containsNode(withKeys: { encryptionKey, _ in proposed.contains(encryptionKey) }) else {
                throw MLSError.invalid("update path reuses an encryption key")
            }
            var unchanged = self
            unchanged.tree = newTree
            try unchanged.checkLeafNode(path.leafNode, replacing: sender, extensions: applied.extensions)
            try TreeKEM.merge(path, from: sender, into: &newTree, suite: suite, groupID: groupID)
            let provisional = GroupContext(
                cipherSuite: suite.id, groupID: groupID, epoch: newEpoch, treeHash: newTree.rootHash(suite: suite),
                confirmedTranscriptHash: context.confirmedTranscriptHash, extensions: applied.extensions)
            commitSecret = try TreeKEM.decrypt(
                path, from: sender, tree: newTree, keys: &newKeys, context: provisional,
                excluding: Set(applied.added.map(\.leaf)), suite: suite
            ).commitSecret
        } else if entries.isEmpty || applied.pathRequired {
            throw MLSError.invalid("commit lacks a required update path")
        }

        let confirmed = suite.confirmedTranscriptHash(
            interimBefore: interimTranscriptHash, wireFormat: authenticated.wireFormat, content: authenticated.content,
            signature: authenticated.auth.signature)
        let newContext = GroupContext(
            cipherSuite: suite.id, groupID: groupID, epoch: newEpoch, treeHash: newTree.cacheTreeHashes(suite: suite),
            confirmedTranscriptHash: confirmed, extensions: applied.extensions)
        let newSecrets = EpochSecrets(
            suite: suite, initSecret: secrets.initSecret, commitSecret: commitSecret,
            pskSecret: try pskSecret(for: applied.psks),
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
                secrets: newSecrets,
                confirmationTag: tag))
        return (.commit(sender: sender, epoch: newEpoch), next)
    }
}
