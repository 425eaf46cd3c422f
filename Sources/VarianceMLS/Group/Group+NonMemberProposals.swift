/// Proposals from outside the group (RFC 9420 §12.1.8): from a sender listed in the
/// `external_senders` extension, or from a client asking to be added (`new_member_proposal`).
extension Group {
    /// Proposal types an external sender may use (Update needs a leaf of its own).
    static let externalSenderProposalTypes: Set<UInt16> = [1, 3, 4, 5, 7]

    func processedNonMemberProposal(_ message: PublicMessage, now: UInt64?) throws -> (Received, Group) {
        guard case .proposal(let proposal) = message.content.body else {
            throw MLSError.invalid("non-members may only send proposals")
        }
        let signatureKey: [UInt8]
        switch message.content.sender {
        case .newMemberProposal:
            guard case .add(let add) = proposal else { throw MLSError.invalid("new-member proposal is not an Add") }
            signatureKey = add.keyPackage.leafNode.signatureKey
        case .external(let index):
            guard let data = context.extensions.data(ofType: ExtensionType.externalSenders) else {
                throw MLSError.invalid("group has no external senders")
            }
            var reader = TLSReader(data)
            let senders = try reader.readVector(of: ExternalSender.self)
            try reader.finish()
            guard Int(index) < senders.count else { throw MLSError.invalid("unknown external sender") }
            guard Self.externalSenderProposalTypes.contains(proposal.proposalType) else {
                throw MLSError.invalid("proposal type not allowed for external senders")
            }
            signatureKey = senders[Int(index)].signatureKey
        default:
            throw MLSError.invalid("not a non-member sender")
        }
        let authenticated = try message.unprotect(
            suite: suite, membershipKey: secrets.membershipKey, context: context, signaturePublicKey: signatureKey)
        try checkProposal(proposal, sender: message.content.sender, now: now)
        var next = self
        try next.appendPending(
            PendingProposal(
                reference: authenticated.proposalReference(suite: suite), proposal: proposal,
                sender: message.content.sender, updateKey: nil))
        return (.proposal(sender: message.content.sender, proposal: proposal), next)
    }
}

extension Group {
    /// A non-member's request to be added (`new_member_proposal`, an Add of `bundle`'s key
    /// package) for the group and epoch described by `groupContext`.
    public static func requestToJoin(
        groupContext: GroupContext, bundle: KeyPackageBundle, suite: CipherSuite
    ) throws -> MLSMessage {
        try nonMemberProposal(
            .add(Add(keyPackage: bundle.keyPackage.value)), sender: .newMemberProposal,
            signatureKey: bundle.signatureKey, groupContext: groupContext, suite: suite)
    }

    /// A proposal from external sender number `senderIndex` of the group's `external_senders`.
    public static func externalProposal(
        _ proposal: Proposal, senderIndex: UInt32, signatureKey: SignaturePrivateKey, groupContext: GroupContext,
        suite: CipherSuite
    ) throws -> MLSMessage {
        try nonMemberProposal(
            proposal, sender: .external(senderIndex), signatureKey: signatureKey, groupContext: groupContext,
            suite: suite)
    }

    private static func nonMemberProposal(
        _ proposal: Proposal, sender: Sender, signatureKey: SignaturePrivateKey, groupContext: GroupContext,
        suite: CipherSuite
    ) throws -> MLSMessage {
        let content = FramedContent(
            groupID: groupContext.groupID, epoch: groupContext.epoch, sender: sender, authenticatedData: [],
            body: .proposal(proposal))
        let authenticated = try AuthenticatedContent.sign(
            suite: suite, key: signatureKey, wireFormat: .publicMessage, content: content, context: groupContext)
        return MLSMessage(
            .publicMessage(
                try PublicMessage.protect(authenticated, suite: suite, membershipKey: [], context: groupContext)))
    }
}
