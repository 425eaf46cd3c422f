import VarianceMessaging

/// Something that happened, which frontends are told about. The engine persists every
/// event with a `seq` before it is pushed, so none is lost when nobody is listening; only
/// the ephemeral signals (typing, presence) are pushed without being persisted.
public enum EngineEvent: Sendable, Equatable {
    /// An identity was created, recovered or unlocked and is ready.
    case identityChanged(did: String, state: IdentityState)
    /// Connectivity changed: a peer connected or disconnected.
    case nodeStatus(NodeStatus)
    /// A direct message arrived (its conversation is the sender's DID).
    case messageReceived(Message)
    /// A sent message's status changed (`sent`, `delivered`, `read`).
    case messageStatus(id: String, conversation: String, status: String)
    /// A contact started or stopped typing in a conversation.
    case typing(conversation: String, from: String, active: Bool)
    /// A contact's presence changed.
    case presence(did: String, PresenceInfo)
    /// Someone who is not a contact wrote to us for the first time.
    case contactRequest(from: String, username: String?)
    /// A conversation's disappearing timer was changed by `by` (nil: the 30-day default).
    case conversationChanged(conversation: String, timerSeconds: UInt32?, by: String)
    /// A group was created or joined, its members changed, or we left or were removed
    /// (`change`: created, joined, added, removed, changed, left; `members` after it).
    case groupChanged(groupID: String, change: String, members: [String])
    /// Someone calls us.
    case callIncoming(callID: String, from: String, audio: Bool, video: Bool)
    /// A call moved to `state` (`ringing`, `connecting`, `active`, `ended` with a reason).
    case callState(callID: String, state: String, reason: String?)
}

extension EngineEvent {
    /// Whether the event is only pushed, never persisted or replayed.
    public var isEphemeral: Bool {
        switch self {
        case .typing, .presence: true
        default: false
        }
    }
}

/// An event as persisted: its sequence number, its wire name and its encoded params.
public struct EventRecord: Sendable, Equatable {
    public var seq: Int64
    public var method: String
    /// The encoded params (JSON bytes, without `seq`).
    public var params: [UInt8]

    public init(seq: Int64, method: String, params: [UInt8]) {
        self.seq = seq
        self.method = method
        self.params = params
    }
}

/// Encodes an event for persistence and push. Supplied by the RPC layer, so the engine
/// stores events in the wire form without knowing the wire format.
public typealias EventEncoder = @Sendable (EngineEvent) -> (method: String, params: [UInt8])

/// Whether there is an identity, and whether it can be used.
public enum IdentityState: String, Sendable, Equatable {
    case none, locked, ready
}
