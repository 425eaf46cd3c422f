/// Every method and notification the engine offers. The OpenRPC document in
/// `rpc-spec/openrpc.json` must name exactly these; a test checks both directions.
public enum RPCRegistry {
    /// The methods, in the order the document lists them.
    public static let methods: [any RPCMethod.Type] = [
        EngineInfo.self, EngineShutdown.self, EventsReplay.self, EventsSubscribe.self, RPCDiscover.self,
        CancelRequest.self,
        IdentityCreate.self, IdentityRecover.self, IdentityUnlock.self, IdentityShow.self,
        MessagesList.self, MessagesSend.self, MessagesMarkRead.self, ContactsAdd.self, ContactsList.self,
        ContactsFingerprint.self, ContactsRemove.self, ContactsBlock.self, ContactsUnblock.self, ContactsInvite.self,
        ConversationsList.self, ConversationsSetTimer.self, TypingSet.self, PresenceSet.self, PresenceGet.self,
        NodeStatusMethod.self, NodeConnect.self, NodePeers.self, UsernameRegister.self, UsernameResolve.self,
        GroupsCreate.self, GroupsInvite.self, GroupsRemove.self, GroupsLeave.self, GroupsMembers.self, GroupsList.self,
        CallsStart.self, CallsAccept.self, CallsReject.self, CallsHangup.self, CallsStats.self, CallsList.self,
    ]

    public static let methodNames: [String] = methods.map { $0.name }

    /// Notifications the engine pushes. `engine.ready`, `engine.failed`, `typing` and
    /// `presence` carry no `seq`; every other one does, and is persisted for `events.replay`.
    public static let notificationNames: [String] = [
        EngineNotification.ready, EngineNotification.failed, EngineNotification.identityChanged,
        EngineNotification.nodeStatus, EngineNotification.messageReceived, EngineNotification.messageStatus,
        EngineNotification.typing, EngineNotification.presence, EngineNotification.conversationChanged,
        EngineNotification.contactRequest, EngineNotification.groupChanged, EngineNotification.callIncoming,
        EngineNotification.callState,
    ]
}

/// Names of the notifications.
public enum EngineNotification {
    public static let ready = "engine.ready"
    public static let failed = "engine.failed"
    /// `{did, state}`: an identity was created, recovered or unlocked.
    public static let identityChanged = "identity.changed"
    /// The `node.status` result, when connectivity changes.
    public static let nodeStatus = "node.status"
    /// `{conversation, message}`: a direct message arrived.
    public static let messageReceived = "message.received"
    /// `{id, conversation, status}`: a sent message's status changed.
    public static let messageStatus = "message.status"
    /// `{conversation, from, active}`: a contact started or stopped typing.
    public static let typing = "typing"
    /// `{did, status, lastSeen?}`: a contact's presence changed.
    public static let presence = "presence"
    /// `{from, username?}`: someone who is not a contact wrote to us for the first time.
    public static let contactRequest = "contact.request"
    /// `{conversation, timer, by}`: a contact changed the conversation's disappearing timer.
    public static let conversationChanged = "conversation.changed"
    /// `{groupId, change, members}`: a group was created or joined, its members changed, or
    /// we left it or were removed.
    public static let groupChanged = "group.changed"
    /// `{callId, from, audio, video}`: someone calls us.
    public static let callIncoming = "call.incoming"
    /// `{callId, state, reason?}`: a call's state changed.
    public static let callState = "call.state"
}

/// The version numbers the engine reports.
public enum EngineVersion {
    public static let version = "0.1.0"
    /// Bumped when the RPC surface changes incompatibly.
    public static let protocolVersion = 1
}
