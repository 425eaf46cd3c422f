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
    /// (The tree itself is changed in place: see ``applyProposals(_:committer:now:tree:)``.)
    struct AppliedProposals {
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

    /// What the members' credentials ask of a new leaf: the credential types every member
    /// supports, and the types in use. Lets many Adds be checked in one pass over the tree.
    struct CredentialSummary {
        /// Credential types in every member's capabilities (nil: no members).
        var supportedByAll: [UInt16]?
        /// Credential types of the members.
        var inUse: [UInt16] = []

        init(_ tree: RatchetTree) {
            // Few distinct types: small arrays beat sets here (no allocation per member).
            tree.forEachLeafCredential { type, supported in
                if let all = supportedByAll {
                    if !all.allSatisfy(supported.contains) { supportedByAll = all.filter(supported.contains) }
                } else {
                    supportedByAll = supported
                }
                if !inUse.contains(type) { inUse.append(type) }
            }
        }

        /// Whether `leaf`'s credential and capabilities are compatible with every member's.
        func accepts(_ leaf: LeafNode) -> Bool {
            guard let supportedByAll else { return true }
            return supportedByAll.contains(leaf.credential.credentialType)
                && inUse.allSatisfy(leaf.capabilities.credentials.contains)
        }
    }

    /// Checks a leaf node entering the tree against the group (RFC 9420 §7.3): its own
    /// extensions are in its capabilities, it meets `required_capabilities`, its credential
    /// type is supported by every member and it supports theirs, and (when it replaces leaf
    /// `replacing`) its keys are not used by another leaf; for new members that is checked
    /// when the whole proposal list is applied, after removals. Signatures are checked by the
    /// callers, which know the signing context. `summary` (from the current tree) saves a
    /// pass over the members when many new leaves are checked.
    func checkLeafNode(
        _ leaf: LeafNode, replacing: UInt32?, extensions: [Extension], summary: CredentialSummary? = nil
    ) throws {
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
        if replacing == nil {
            // A new leaf: only credential compatibility is checked here (see above).
            guard (summary ?? CredentialSummary(tree)).accepts(leaf) else {
                throw MLSError.invalid("credential types are not mutually supported")
            }
            return
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
    func checkProposal(
        _ proposal: Proposal, sender: Sender, now: UInt64?, summary: CredentialSummary? = nil
    ) throws {
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
            try checkLeafNode(
                keyPackage.value.leafNode, replacing: nil, extensions: context.extensions, summary: summary)
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
    ///
    /// `newTree` starts as a copy of `tree` and receives the changes; the caller keeps the only
    /// reference to it, so the next steps change it without another copy of the whole tree.
    func applyProposals(
        _ list: [ProposalEntry], committer: UInt32, now: UInt64?, tree newTree: inout RatchetTree
    ) throws -> AppliedProposals {
        var result = AppliedProposals(extensions: context.extensions)
        var touched = Set<UInt32>()
        var extensionProposals = 0
        var summary: CredentialSummary?
        for entry in list {
            if case .add = entry.proposal, summary == nil { summary = CredentialSummary(tree) }
            try checkProposal(entry.proposal, sender: entry.sender, now: now, summary: summary)
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
                        try checkLeafNode(
                            add.keyPackage.leafNode, replacing: nil, extensions: body.extensions, summary: summary)
                    }
                }
            }
        }
        for entry in list {
            if case .update(let update) = entry.proposal, case .member(let sender) = entry.sender {
                try newTree.updateLeaf(sender, with: update.leafNode)
                if sender == ownLeafIndex { result.ownUpdateKey = entry.updateKey }
            }
        }
        for entry in list {
            if case .remove(let remove) = entry.proposal {
                try newTree.removeLeaf(remove.removed)
                result.removed.append(remove.removed)
            }
        }
        guard summary != nil else { return result }  // no Adds
        // New members' keys must be new to the tree and to each other: collect the few new
        // keys, then look each key of the tree up among them once.
        var newSignatureKeys = KeyLookup()
        var newEncryptionKeys = KeyLookup()
        for entry in list {
            if case .add(let add) = entry.proposal {
                let leaf = add.keyPackage.leafNode
                guard newSignatureKeys.insert(leaf.signatureKey), newEncryptionKeys.insert(leaf.encryptionKey) else {
                    throw MLSError.invalid("added client is already in the group")
                }
            }
        }
        let reused = newTree.containsNode { encryptionKey, signatureKey in
            newEncryptionKeys.contains(encryptionKey) || signatureKey.map(newSignatureKeys.contains) == true
        }
        guard !reused else { throw MLSError.invalid("added client is already in the group") }
        var searchFrom: UInt32 = 0
        for entry in list {
            if case .add(let add) = entry.proposal {
                let leaf = add.keyPackage.leafNode
                // Adds fill blank leaves left to right: no blank leaf before the last one used.
                let index = try newTree.addLeaf(leaf, searchingFrom: searchFrom)
                searchFrom = index + 1
                result.added.append((index, add.keyPackage))
            }
        }
        return result
    }
}

/// A set of a few public keys that answers "is this key among them?" for many keys cheaply:
/// an 8-byte prefix is looked up first (a short list, or a set once there are many), whole
/// keys are compared only on a prefix hit.
struct KeyLookup {
    private var prefixList: [UInt64] = []
    private var prefixes = Set<UInt64>()
    private var keys = Set<[UInt8]>()
    private static let listLimit = 8

    private static func prefix(_ key: [UInt8]) -> UInt64 {
        guard key.count >= 8 else { return UInt64(key.count) }
        return key.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
    }

    /// Adds `key`; false if it was already there.
    mutating func insert(_ key: [UInt8]) -> Bool {
        guard keys.insert(key).inserted else { return false }
        let prefix = Self.prefix(key)
        if keys.count <= Self.listLimit {
            prefixList.append(prefix)
        } else {
            if prefixes.isEmpty { prefixes = Set(prefixList) }
            prefixes.insert(prefix)
        }
        return true
    }

    func contains(_ key: [UInt8]) -> Bool {
        let prefix = Self.prefix(key)
        let hit = keys.count <= Self.listLimit ? prefixList.contains(prefix) : prefixes.contains(prefix)
        return hit && keys.contains(key)
    }
}
