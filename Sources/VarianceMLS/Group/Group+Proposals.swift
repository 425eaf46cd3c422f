/// Validating and applying proposal lists (RFC 9420 §12.1-12.3).
extension Group {
    /// Extension types every client supports without listing them (RFC 9420 §7.2).
    static let defaultExtensionTypes: Set<UInt16> = [1, 2, 3, 4, 5]

    /// A proposal with the leaf that sent it and, for our own Update, its private key.
    struct ProposalEntry {
        let proposal: Proposal
        let sender: Sender
        let updateKey: HPKEPrivateKey?
    }

    /// The outcome of applying a proposal list to the tree and extensions.
    struct AppliedProposals {
        var tree: RatchetTree
        var extensions: [Extension]
        var added: [(leaf: UInt32, keyPackage: UnverifiedKeyPackage)] = []
        var removed: [UInt32] = []
        var pathRequired = false
        /// PreSharedKey proposals, in list order.
        var psks: [PreSharedKeyID] = []
        /// Private key of our leaf if one of our Updates was applied.
        var ownUpdateKey: HPKEPrivateKey?
    }

    private func supportsExtensions(_ capabilities: Capabilities, _ extensions: [Extension]) -> Bool {
        extensions.allSatisfy {
            Self.defaultExtensionTypes.contains($0.extensionType) || capabilities.extensions.contains($0.extensionType)
        }
    }

    /// Checks a leaf node entering the tree against the group (RFC 9420 §7.3): its own
    /// extensions are in its capabilities, it meets `required_capabilities`, its credential
    /// type is supported by every member and it supports theirs, and (when it replaces leaf
    /// `replacing`) its keys are not used by another leaf; for new members that is checked
    /// when the whole proposal list is applied, after removals. Signatures are checked by the
    /// callers, which know the signing context.
    func checkLeafNode(_ leaf: LeafNode, replacing: UInt32?, extensions: [Extension]) throws {
        let capabilities = leaf.capabilities
        guard
            leaf.extensions.allSatisfy({
                Self.defaultExtensionTypes.contains($0.extensionType)
                    || capabilities.extensions.contains($0.extensionType)
            })
        else { throw MLSError.invalid("leaf node uses extensions it does not list") }
        guard capabilities.cipherSuites.contains(suite.id), capabilities.versions.contains(1) else {
            throw MLSError.invalid("leaf node does not support the group's suite or version")
        }
        if let data = extensions.data(ofType: ExtensionType.requiredCapabilities) {
            let required = try RequiredCapabilities(tlsSerialized: data)
            guard required.extensionTypes.allSatisfy(capabilities.extensions.contains),
                required.proposalTypes.allSatisfy(capabilities.proposals.contains),
                required.credentialTypes.allSatisfy(capabilities.credentials.contains)
            else { throw MLSError.invalid("leaf node lacks required capabilities") }
        }
        for index in tree.occupiedLeaves where index != replacing {
            guard let other = tree.leaf(index) else { continue }
            guard other.capabilities.credentials.contains(leaf.credential.credentialType),
                capabilities.credentials.contains(other.credential.credentialType)
            else { throw MLSError.invalid("credential types are not mutually supported") }
            if replacing != nil, other.signatureKey == leaf.signatureKey || other.encryptionKey == leaf.encryptionKey {
                throw MLSError.invalid("leaf node reuses another member's key")
            }
        }
    }

    /// Checks one proposal from `sender` against the current epoch (RFC 9420 §12.1). With
    /// `now` nil, key package lifetimes are not checked.
    func checkProposal(_ proposal: Proposal, sender: Sender, now: UInt64?) throws {
        var memberLeaf: UInt32?
        if case .member(let leaf) = sender {
            guard tree.leaf(leaf) != nil else { throw MLSError.invalid("proposal from a blank leaf") }
            memberLeaf = leaf
        }
        switch proposal {
        case .add(let add):
            let keyPackage = try KeyPackage(verifying: add.keyPackage, suite: suite, now: now)
            guard supportsExtensions(keyPackage.value.leafNode.capabilities, context.extensions) else {
                throw MLSError.invalid("new member does not support the group's extensions")
            }
            try checkLeafNode(keyPackage.value.leafNode, replacing: nil, extensions: context.extensions)
        case .update(let update):
            guard let sender = memberLeaf else { throw MLSError.invalid("Update from a non-member") }
            guard case .update = update.leafNode.source else {
                throw MLSError.invalid("update leaf is not update-sourced")
            }
            guard update.leafNode.verifySignature(suite: suite, groupID: groupID, leafIndex: sender) else {
                throw MLSError.authentication("update leaf signature")
            }
            guard !tree.nodes.contains(where: { $0?.encryptionKey == update.leafNode.encryptionKey }) else {
                throw MLSError.invalid("update reuses an encryption key of the tree")
            }
            try checkLeafNode(update.leafNode, replacing: sender, extensions: context.extensions)
        case .remove(let remove):
            guard tree.leaf(remove.removed) != nil else { throw MLSError.invalid("removal of a blank leaf") }
        case .groupContextExtensions(let body):
            try body.extensions.checkUniqueTypes()
            for (_, member) in members where !supportsExtensions(member.capabilities, body.extensions) {
                throw MLSError.invalid("a member does not support the proposed extensions")
            }
            if let data = body.extensions.data(ofType: ExtensionType.requiredCapabilities) {
                let required = try RequiredCapabilities(tlsSerialized: data)
                for (_, member) in members {
                    let capabilities = member.capabilities
                    guard required.extensionTypes.allSatisfy(capabilities.extensions.contains),
                        required.proposalTypes.allSatisfy(capabilities.proposals.contains),
                        required.credentialTypes.allSatisfy(capabilities.credentials.contains)
                    else { throw MLSError.invalid("a member lacks the proposed required capabilities") }
                }
            }
        case .preSharedKey(let body):
            guard body.psk.nonce.count == suite.hashLength else { throw MLSError.invalid("PSK nonce length") }
            guard psk(for: body.psk) != nil else { throw MLSError.invalid("pre-shared key unavailable") }
        case .reInit, .externalInit:
            throw MLSError.invalid("ReInit and ExternalInit proposals are not supported")
        }
    }

    /// Validates `list` for a regular commit by `committer` and applies it in RFC order:
    /// GroupContextExtensions, Updates, Removes, then Adds.
    func applyProposals(_ list: [ProposalEntry], committer: UInt32, now: UInt64?) throws -> AppliedProposals {
        var result = AppliedProposals(tree: tree, extensions: context.extensions)
        var touched = Set<UInt32>()
        var extensionProposals = 0
        for entry in list {
            try checkProposal(entry.proposal, sender: entry.sender, now: now)
            switch entry.proposal {
            case .update:
                guard case .member(let sender) = entry.sender, sender != committer else {
                    throw MLSError.invalid("commit includes the committer's Update")
                }
                guard touched.insert(sender).inserted else { throw MLSError.invalid("two changes to one leaf") }
                result.pathRequired = true
            case .remove(let remove):
                guard remove.removed != committer else { throw MLSError.invalid("commit removes the committer") }
                guard touched.insert(remove.removed).inserted else { throw MLSError.invalid("two changes to one leaf") }
                result.pathRequired = true
            case .groupContextExtensions:
                extensionProposals += 1
                result.pathRequired = true
            case .preSharedKey(let body):
                guard !result.psks.contains(body.psk) else { throw MLSError.invalid("PSK proposed twice") }
                result.psks.append(body.psk)
            default:
                break
            }
        }
        guard extensionProposals <= 1 else { throw MLSError.invalid("several GroupContextExtensions proposals") }

        for entry in list {
            if case .groupContextExtensions(let body) = entry.proposal {
                result.extensions = body.extensions
                for entry in list {
                    if case .add(let add) = entry.proposal {
                        guard supportsExtensions(add.keyPackage.leafNode.capabilities, body.extensions) else {
                            throw MLSError.invalid("new member does not support the new extensions")
                        }
                        try checkLeafNode(add.keyPackage.leafNode, replacing: nil, extensions: body.extensions)
                    }
                }
            }
        }
        for entry in list {
            if case .update(let update) = entry.proposal, case .member(let sender) = entry.sender {
                try result.tree.updateLeaf(sender, with: update.leafNode)
                if sender == ownLeafIndex { result.ownUpdateKey = entry.updateKey }
            }
        }
        for entry in list {
            if case .remove(let remove) = entry.proposal {
                try result.tree.removeLeaf(remove.removed)
                result.removed.append(remove.removed)
            }
        }
        var signatureKeys = Set(result.tree.occupiedLeaves.compactMap { result.tree.leaf($0)?.signatureKey })
        var encryptionKeys = Set(result.tree.nodes.compactMap { $0?.encryptionKey })
        for entry in list {
            if case .add(let add) = entry.proposal {
                let leaf = add.keyPackage.leafNode
                guard signatureKeys.insert(leaf.signatureKey).inserted,
                    encryptionKeys.insert(leaf.encryptionKey).inserted
                else { throw MLSError.invalid("added client is already in the group") }
                let index = try result.tree.addLeaf(leaf)
                result.added.append((index, add.keyPackage))
            }
        }
        return result
    }
}
