/// One member's state of an MLS group in one epoch (RFC 9420 §11-15).
///
/// ```
///   create / join(Welcome)
///           |
///           v
///   +---> [active, epoch n] --propose--> pending proposals (this epoch only)
///   |        |      |
///   |        |      +--encrypt/decrypt application data (secret tree of epoch n)
///   |        |
///   |   commit (own, staged) / process(commit from another member)
///   |        |
///   +--------+ epoch n+1        process(commit removing us) --> [removed] (terminal)
/// ```
///
/// A `Group` is a value: nothing here does I/O, reads a clock or keeps global state. Time
/// comes in as Unix seconds and randomness through a `RandomNumberGenerator` (HPKE's
/// ephemeral keys come from swift-crypto). Operations are atomic: on error the value is
/// unchanged. The caller persists the new value before sending what an operation returns.
public struct Group: Sendable {
    /// The group's cipher suite.
    public let suite: CipherSuite
    /// The current GroupContext.
    public internal(set) var context: GroupContext
    /// The current public ratchet tree.
    public internal(set) var tree: RatchetTree
    /// False once a commit removed this member.
    public internal(set) var isActive = true

    var keys: TreePrivateKeys
    let signatureKey: SignaturePrivateKey
    var secrets: EpochSecrets
    var secretTree: SecretTree
    /// Confirmation tag of the commit that started this epoch (or of group creation).
    let confirmationTag: [UInt8]
    /// interim_transcript_hash = Hash(confirmed_transcript_hash || confirmation_tag).
    let interimTranscriptHash: [UInt8]
    var pending: [PendingProposal] = []
    /// External PSKs the application provisioned, by PSK id.
    var externalPSKs: [[UInt8]: [UInt8]] = [:]
    /// The previous epoch, kept for late application messages.
    var previousEpoch: PreviousEpoch?
    /// Resumption PSKs of recent past epochs (at most ``maximumResumptionEpochs``).
    var resumptionPSKs: [UInt64: [UInt8]] = [:]

    /// How many proposals may wait for a commit; more are refused until someone commits.
    public static let maximumPendingProposals = 256

    mutating func appendPending(_ proposal: PendingProposal) throws {
        guard pending.count < Self.maximumPendingProposals else {
            throw MLSError.wrongState("too many pending proposals; commit first")
        }
        pending.append(proposal)
    }

    /// How many past epochs' resumption PSKs are kept.
    public static let maximumResumptionEpochs = 16

    /// A proposal received or sent in the current epoch, awaiting a commit.
    struct PendingProposal: Sendable {
        let reference: [UInt8]
        let proposal: Proposal
        let sender: Sender
        /// For our own Update: the private key of the proposed leaf.
        let updateKey: HPKEPrivateKey?
    }

    /// The group identifier.
    public var groupID: [UInt8] { context.groupID }
    /// The current epoch.
    public var epoch: UInt64 { context.epoch }
    /// Our leaf index.
    public var ownLeafIndex: UInt32 { keys.leaf }
    /// The epoch authenticator, for out-of-band comparison (RFC 9420 §8.7).
    public var epochAuthenticator: [UInt8] { secrets.epochAuthenticator }
    /// Members by leaf index.
    public var members: [UInt32: LeafNode] {
        Dictionary(
            uniqueKeysWithValues: tree.occupiedLeaves.compactMap { index in tree.leaf(index).map { (index, $0) } })
    }
    /// Number of proposals waiting for a commit.
    public var pendingProposalCount: Int { pending.count }

    /// The proposals waiting for a commit, with their senders, in arrival order.
    public var pendingProposals: [(sender: Sender, proposal: Proposal)] {
        pending.map { ($0.sender, $0.proposal) }
    }

    /// Makes an external PSK available to proposals, commits and Welcomes of this group.
    public mutating func addExternalPSK(id: [UInt8], secret: [UInt8]) {
        externalPSKs[id] = secret
    }

    /// The state that follows this one into `next`: carries PSKs over and remembers this
    /// epoch's resumption PSK.
    func carryingOver(into next: Group) -> Group {
        var result = next
        result.externalPSKs = externalPSKs
        result.resumptionPSKs = resumptionPSKs
        result.resumptionPSKs[epoch] = secrets.resumptionPSK
        result.previousEpoch = retainedForNextEpoch
        while result.resumptionPSKs.count > Self.maximumResumptionEpochs, let oldest = result.resumptionPSKs.keys.min()
        {
            result.resumptionPSKs.removeValue(forKey: oldest)
        }
        return result
    }

    /// The PSK named by `id`, if this member has it (RFC 9420 §8.4).
    func psk(for id: PreSharedKeyID) -> [UInt8]? {
        switch id.kind {
        case .external(let name):
            return externalPSKs[name]
        case .resumption(let usage, let pskGroupID, let pskEpoch):
            guard usage == 1, pskGroupID == groupID else { return nil }
            return pskEpoch == epoch ? secrets.resumptionPSK : resumptionPSKs[pskEpoch]
        }
    }

    /// `psk_secret` for `ids` in order; throws if one is unavailable.
    func pskSecret(for ids: [PreSharedKeyID]) throws -> [UInt8] {
        let resolved = try ids.map { id in
            guard let psk = psk(for: id) else { throw MLSError.invalid("pre-shared key unavailable") }
            return (id: id, psk: psk)
        }
        return suite.pskSecret(resolved)
    }

    /// MLS-Exporter for the current epoch (RFC 9420 §8.5).
    public func exportSecret(label: String, context exportContext: [UInt8], length: Int) throws -> [UInt8] {
        guard isActive else { throw MLSError.wrongState("member was removed from the group") }
        return secrets.exporter(suite: suite, label: label, context: exportContext, length: length)
    }

    init(
        suite: CipherSuite, context: GroupContext, tree: RatchetTree, keys: TreePrivateKeys,
        signatureKey: SignaturePrivateKey, secrets: EpochSecrets, confirmationTag: [UInt8]
    ) {
        self.suite = suite
        self.context = context
        self.tree = tree
        // Later epochs rehash only the paths that change.
        self.tree.cacheTreeHashes(suite: suite)
        self.keys = keys
        self.signatureKey = signatureKey
        self.secrets = secrets
        self.secretTree = SecretTree(
            suite: suite, encryptionSecret: secrets.encryptionSecret, leafCount: tree.leafCount)
        self.confirmationTag = confirmationTag
        self.interimTranscriptHash = suite.interimTranscriptHash(
            confirmed: context.confirmedTranscriptHash, confirmationTag: confirmationTag)
    }

    /// Creates a one-member group (RFC 9420 §11). `extensions` are the group context
    /// extensions, `leafExtensions` those of our leaf.
    public static func create(
        suite: CipherSuite, groupID: [UInt8], credential: Credential, signatureKey: SignaturePrivateKey,
        lifetime: Lifetime, capabilities: Capabilities = Capabilities(), extensions: [Extension] = [],
        leafExtensions: [Extension] = [], using rng: inout some RandomNumberGenerator
    ) throws -> Group {
        try extensions.checkUniqueTypes()
        let encryptionKey = HPKEPrivateKey.generate(using: &rng)
        var leaf = LeafNode(
            encryptionKey: encryptionKey.publicKey, signatureKey: signatureKey.publicKey, credential: credential,
            capabilities: capabilities, source: .keyPackage(lifetime), extensions: leafExtensions)
        try leaf.sign(suite: suite, key: signatureKey, groupID: groupID, leafIndex: 0)
        let tree = RatchetTree(creator: leaf)
        let context = GroupContext(
            cipherSuite: suite.id, groupID: groupID, epoch: 0, treeHash: tree.rootHash(suite: suite),
            confirmedTranscriptHash: [], extensions: extensions)
        let secrets = EpochSecrets(suite: suite, randomEpochSecret: randomBytes(suite.hashLength, using: &rng))
        let tag = suite.mac(key: secrets.confirmationKey, [])
        return Group(
            suite: suite, context: context, tree: tree, keys: TreePrivateKeys(leaf: 0, leafKey: encryptionKey),
            signatureKey: signatureKey, secrets: secrets,
            confirmationTag: tag)
    }

    // MARK: Framing

    /// Signs `body` as us and protects it for `wireFormat` with this epoch's keys.
    mutating func frame(
        _ body: FramedContentBody, authenticatedData: [UInt8], wireFormat: WireFormat,
        confirmationTag: [UInt8]? = nil, paddingLength: Int = 0, using rng: inout some RandomNumberGenerator
    ) throws -> (AuthenticatedContent, MLSMessage) {
        let content = FramedContent(
            groupID: groupID, epoch: epoch, sender: .member(ownLeafIndex), authenticatedData: authenticatedData,
            body: body)
        let authenticated = try AuthenticatedContent.sign(
            suite: suite, key: signatureKey, wireFormat: wireFormat, content: content, context: context,
            confirmationTag: confirmationTag)
        return (authenticated, try protect(authenticated, paddingLength: paddingLength, using: &rng))
    }

    mutating func protect(
        _ authenticated: AuthenticatedContent, paddingLength: Int = 0, using rng: inout some RandomNumberGenerator
    ) throws -> MLSMessage {
        switch authenticated.wireFormat {
        case .publicMessage:
            return MLSMessage(
                .publicMessage(
                    try PublicMessage.protect(
                        authenticated, suite: suite, membershipKey: secrets.membershipKey, context: context)))
        case .privateMessage:
            return MLSMessage(
                .privateMessage(
                    try PrivateMessage.protect(
                        authenticated, suite: suite, secretTree: &secretTree,
                        senderDataSecret: secrets.senderDataSecret,
                        reuseGuard: randomBytes(4, using: &rng), paddingLength: paddingLength)))
        default:
            throw MLSError.invalid("content can only be framed as a public or private message")
        }
    }

    // MARK: Application messages (RFC 9420 §15)

    /// Encrypts application data as a PrivateMessage.
    ///
    /// Refused while proposals are pending: they must be committed first (RFC 9420 §12.4).
    public mutating func encrypt(
        _ data: [UInt8], authenticatedData: [UInt8] = [], paddingLength: Int = 0,
        using rng: inout some RandomNumberGenerator
    ) throws -> MLSMessage {
        guard isActive else { throw MLSError.wrongState("member was removed from the group") }
        guard pending.isEmpty else { throw MLSError.wrongState("commit pending proposals before sending data") }
        return try frame(
            .application(data), authenticatedData: authenticatedData, wireFormat: .privateMessage,
            paddingLength: paddingLength, using: &rng
        ).1
    }

    // MARK: Proposals

    /// Sends a proposal (Add, Remove, Update via ``proposeUpdate(wireFormat:using:)``, or
    /// GroupContextExtensions) and remembers it for the next commit.
    public mutating func propose(
        _ proposal: Proposal, wireFormat: WireFormat = .privateMessage, now: UInt64,
        using rng: inout some RandomNumberGenerator
    ) throws -> MLSMessage {
        guard isActive else { throw MLSError.wrongState("member was removed from the group") }
        if case .update = proposal { throw MLSError.invalid("use proposeUpdate for Update proposals") }
        try checkProposal(proposal, sender: .member(ownLeafIndex), now: now)
        var staged = self
        let (authenticated, message) = try staged.frame(
            .proposal(proposal), authenticatedData: [], wireFormat: wireFormat, using: &rng)
        try staged.appendPending(
            PendingProposal(
                reference: authenticated.proposalReference(suite: suite), proposal: proposal,
                sender: .member(ownLeafIndex),
                updateKey: nil))
        self = staged
        return message
    }

    /// Proposes a fresh encryption key for our leaf (an Update proposal).
    public mutating func proposeUpdate(
        wireFormat: WireFormat = .privateMessage, using rng: inout some RandomNumberGenerator
    ) throws -> MLSMessage {
        guard isActive, let current = tree.leaf(ownLeafIndex) else {
            throw MLSError.wrongState("member was removed from the group")
        }
        let newKey = HPKEPrivateKey.generate(using: &rng)
        var leaf = current
        leaf.encryptionKey = newKey.publicKey
        leaf.source = .update
        try leaf.sign(suite: suite, key: signatureKey, groupID: groupID, leafIndex: ownLeafIndex)
        let proposal = Proposal.update(Update(leafNode: leaf))
        var staged = self
        let (authenticated, message) = try staged.frame(
            .proposal(proposal), authenticatedData: [], wireFormat: wireFormat, using: &rng)
        try staged.appendPending(
            PendingProposal(
                reference: authenticated.proposalReference(suite: suite), proposal: proposal,
                sender: .member(ownLeafIndex),
                updateKey: newKey))
        self = staged
        return message
    }
}
