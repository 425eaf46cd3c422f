/// Late application messages from the epoch before the current one (RFC 9420 §15.3).
///
/// When the group moves to a new epoch, the old epoch's secret tree, sender-data secret,
/// context and tree are kept so application messages sent before the commit can still be
/// read. Handshake messages of an old epoch are always refused. Keeping them weakens forward
/// secrecy for that epoch: the engine should call ``forgetPreviousEpoch()`` once late
/// messages are no longer expected (it owns the clock).
extension Group {
    /// What is kept of the previous epoch.
    struct PreviousEpoch: Sendable {
        let context: GroupContext
        let tree: RatchetTree
        var secretTree: SecretTree
        let senderDataSecret: [UInt8]
    }

    /// The epoch whose late application messages can still be read, if any.
    public var previousEpochNumber: UInt64? { previousEpoch?.context.epoch }

    /// Deletes what is kept of the previous epoch.
    public mutating func forgetPreviousEpoch() {
        previousEpoch = nil
    }

    /// The state left behind by this epoch for the next one.
    var retainedForNextEpoch: PreviousEpoch {
        PreviousEpoch(context: context, tree: tree, secretTree: secretTree, senderDataSecret: secrets.senderDataSecret)
    }

    /// Decrypts a late application message of the previous epoch.
    func processedLateApplication(_ message: PrivateMessage) throws -> (Received, Group) {
        guard var previous = previousEpoch, message.epoch == previous.context.epoch, message.groupID == groupID else {
            throw MLSError.wrongState("message is for another group or epoch")
        }
        guard message.contentType == .application else {
            throw MLSError.wrongState("handshake message of a past epoch")
        }
        let oldTree = previous.tree
        let authenticated = try message.unprotect(
            suite: suite, secretTree: &previous.secretTree, senderDataSecret: previous.senderDataSecret,
            context: previous.context
        ) { leafIndex in
            guard let leaf = oldTree.leaf(leafIndex) else { throw MLSError.invalid("sender leaf is blank") }
            return leaf.signatureKey
        }
        guard case .member(let sender) = authenticated.content.sender, sender != ownLeafIndex,
            case .application(let data) = authenticated.content.body
        else { throw MLSError.invalid("late message is not another member's application data") }
        var next = self
        next.previousEpoch = previous
        return (
            .application(sender: sender, data: data, authenticatedData: authenticated.content.authenticatedData), next
        )
    }
}
