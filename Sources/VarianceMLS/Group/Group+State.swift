/// A versioned byte serialization of a member's group state ("pickle"), so the engine can
/// store it in the same transaction as the message that produced it.
///
/// The bytes contain private keys and epoch secrets: store them encrypted at rest.
/// Layout: `uint8 version = 1`, then the fields in declaration order, TLS-encoded.
extension Group {
    /// The current serialization version.
    public static let stateVersion: UInt8 = 1

    /// Serializes this state.
    public func serializedState() -> [UInt8] {
        var writer = TLSWriter()
        writer.write(Self.stateVersion)
        writer.write(suite.id)
        writer.write(context)
        writer.write(tree)
        writer.write(UInt8(isActive ? 1 : 0))
        writer.write(keys.leaf)
        writer.writeVector { inner in
            for node in keys.keys.keys.sorted() {
                inner.write(node)
                inner.writeOpaque(keys.keys[node]?.rawRepresentation ?? [])
            }
        }
        writer.writeOpaque(signatureKey.seed)
        writer.writeOpaque(secrets.joinerSecret)
        writer.writeOpaque(secrets.welcomeSecret)
        writer.writeOpaque(secrets.epochSecret)
        secretTree.encodeState(to: &writer)
        writer.writeOpaque(confirmationTag)
        writer.writeVector { inner in
            for item in pending {
                inner.writeOpaque(item.reference)
                inner.write(item.proposal)
                inner.write(item.sender)
                inner.writeOptional(item.updateKey.map { OpaqueBytes($0.rawRepresentation) })
            }
        }
        writer.writeVector { inner in
            for id in externalPSKs.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
                inner.writeOpaque(id)
                inner.writeOpaque(externalPSKs[id] ?? [])
            }
        }
        writer.writeVector { inner in
            for epoch in resumptionPSKs.keys.sorted() {
                inner.write(epoch)
                inner.writeOpaque(resumptionPSKs[epoch] ?? [])
            }
        }
        if let previousEpoch {
            writer.write(UInt8(1))
            writer.write(previousEpoch.context)
            writer.write(previousEpoch.tree)
            previousEpoch.secretTree.encodeState(to: &writer)
            writer.writeOpaque(previousEpoch.senderDataSecret)
        } else {
            writer.write(UInt8(0))
        }
        return writer.bytes
    }

    /// Restores a state written by ``serializedState()``.
    public init(serializedState bytes: [UInt8]) throws {
        var reader = TLSReader(bytes)
        guard try reader.readUInt8() == Self.stateVersion else {
            throw MLSError.malformed("unknown group state version")
        }
        let suite = try CipherSuite(id: try reader.readUInt16())
        let context: GroupContext = try reader.read()
        let tree: RatchetTree = try reader.read()
        let active = try reader.readUInt8()
        guard active <= 1 else { throw MLSError.malformed("group state flag") }
        let leaf = try reader.readUInt32()
        // Checked before any tree arithmetic (leaf * 2 traps past 2^31; found by fuzz-mls).
        guard leaf < tree.leafCount else { throw MLSError.malformed("group state leaf outside the tree") }
        let nodeKeys: [(UInt32, HPKEPrivateKey)] = try reader.readVector { child in
            var items: [(UInt32, HPKEPrivateKey)] = []
            while !child.isAtEnd {
                items.append((try child.readUInt32(), try HPKEPrivateKey(rawRepresentation: try child.readOpaque())))
            }
            return items
        }
        guard let leafKey = nodeKeys.first(where: { $0.0 == TreeMath.node(ofLeaf: leaf) })?.1 else {
            throw MLSError.malformed("group state lacks the leaf key")
        }
        var keys = TreePrivateKeys(leaf: leaf, leafKey: leafKey)
        for (node, key) in nodeKeys { keys.setKey(key, node: node) }
        let signatureKey = try SignaturePrivateKey(seed: try reader.readOpaque())
        let secrets = EpochSecrets(
            suite: suite, joinerSecret: try reader.readOpaque(), welcomeSecret: try reader.readOpaque(),
            epochSecret: try reader.readOpaque())
        let secretTree = try SecretTree(stateFrom: &reader, suite: suite)
        let confirmationTag = try reader.readOpaque()
        let pending: [PendingProposal] = try reader.readVector { child in
            var items: [PendingProposal] = []
            while !child.isAtEnd {
                let reference = try child.readOpaque()
                let proposal: Proposal = try child.read()
                let sender: Sender = try child.read()
                let updateKey = try child.readOptional(OpaqueBytes.self).map {
                    try HPKEPrivateKey(rawRepresentation: $0.bytes)
                }
                items.append(
                    PendingProposal(reference: reference, proposal: proposal, sender: sender, updateKey: updateKey))
            }
            return items
        }
        let externalPSKs: [[UInt8]: [UInt8]] = try reader.readVector { child in
            var items: [[UInt8]: [UInt8]] = [:]
            while !child.isAtEnd { items[try child.readOpaque()] = try child.readOpaque() }
            return items
        }
        let resumptionPSKs: [UInt64: [UInt8]] = try reader.readVector { child in
            var items: [UInt64: [UInt8]] = [:]
            while !child.isAtEnd { items[try child.readUInt64()] = try child.readOpaque() }
            return items
        }
        var previousEpoch: PreviousEpoch?
        switch try reader.readUInt8() {
        case 0: break
        case 1:
            let previousContext: GroupContext = try reader.read()
            let previousTree: RatchetTree = try reader.read()
            previousEpoch = PreviousEpoch(
                context: previousContext, tree: previousTree,
                secretTree: try SecretTree(stateFrom: &reader, suite: suite), senderDataSecret: try reader.readOpaque())
        default: throw MLSError.malformed("group state flag")
        }
        try reader.finish()
        guard pending.count <= Self.maximumPendingProposals else { throw MLSError.malformed("pending proposals") }
        guard resumptionPSKs.count <= Self.maximumResumptionEpochs else { throw MLSError.malformed("resumption PSKs") }
        guard context.cipherSuite == suite.id, secrets.epochSecret.count == suite.hashLength,
            secretTree.leafCount == tree.leafCount, keys.isConsistent(with: tree) || active == 0
        else { throw MLSError.malformed("inconsistent group state") }

        self.init(
            suite: suite, context: context, tree: tree, keys: keys, signatureKey: signatureKey, secrets: secrets,
            confirmationTag: confirmationTag)
        self.secretTree = secretTree
        self.isActive = active == 1
        self.pending = pending
        self.externalPSKs = externalPSKs
        self.resumptionPSKs = resumptionPSKs
        self.previousEpoch = previousEpoch
    }
}
