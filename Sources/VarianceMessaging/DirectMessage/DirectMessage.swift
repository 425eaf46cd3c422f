/// One message of the direct-message protocol as the two people see it: the plaintext
/// carried inside Olm (`Content` in `protos/variance/dm.proto`).
public struct DirectMessage: Sendable, Hashable {
    /// The message id (a ULID, 1...``MessagingLimits/maxMessageIDBytes`` bytes), chosen by the
    /// sender; the receiver deduplicates by it.
    public var id: String
    /// The sender's clock when sent, Unix milliseconds.
    public var sentAtMs: UInt64
    /// What it says.
    public var content: Content

    public init(id: String, sentAtMs: UInt64, content: Content) {
        self.id = id
        self.sentAtMs = sentAtMs
        self.content = content
    }
}

/// The kinds of direct-message content (the `body` oneof of `Content`). Fields 100...199 of
/// the protobuf are reserved for call signalling.
public enum Content: Sendable, Hashable {
    /// A text message, possibly answering the message `replyTo`, that lives
    /// `expiresInSeconds` after it is received (nil: the 30-day default).
    case text(body: String, replyTo: String?, expiresInSeconds: UInt32? = nil)
    /// "These messages reached my device."
    case deliveryReceipt(ids: [String])
    /// "I have read everything up to and including `upTo`, and these `ids`."
    case readReceipt(upTo: String?, ids: [String])
    /// The sender started or stopped typing.
    case typing(active: Bool)
    /// The sender's presence; `lastSeenMs` in Unix milliseconds when known.
    case presence(PresenceStatus, lastSeenMs: UInt64?)
    /// The conversation's disappearing timer changed (nil: back to the 30-day default).
    case timer(seconds: UInt32?)
    /// "You were added to a group" (over Olm only): the MLS Welcome and the members known.
    case groupWelcome(GroupWelcome)
    /// A group member's signed record and addresses (inside a group only).
    case memberInfo(MemberInfo)
    /// Call signalling: an encoded `SignedCallSignal` (protos/variance/call.proto).
    case callSignal([UInt8])
}

/// The Welcome of a group, as a committer sends it to a newcomer over Olm.
public struct GroupWelcome: Sendable, Hashable {
    /// The MLS group id.
    public var groupID: [UInt8]
    /// The group's name.
    public var name: String
    /// `MLSMessage(Welcome)` bytes.
    public var welcome: [UInt8]
    /// Other members and where to reach them.
    public var members: [MemberInfo]

    public init(groupID: [UInt8], name: String, welcome: [UInt8], members: [MemberInfo]) {
        self.groupID = groupID
        self.name = name
        self.welcome = welcome
        self.members = members
    }
}

/// A member's signed identity record (encoded ``SignedIdentityRecord``) and addresses.
public struct MemberInfo: Sendable, Hashable {
    public var record: [UInt8]
    public var addresses: [String]

    public init(record: [UInt8], addresses: [String]) {
        self.record = record
        self.addresses = addresses
    }
}

/// A presence status.
public enum PresenceStatus: Int, Sendable, Hashable, CaseIterable {
    case unspecified = 0, online = 1, away = 2, busy = 3, offline = 4

    /// The wire name used by the RPC surface.
    public var name: String {
        switch self {
        case .unspecified: "unknown"
        case .online: "online"
        case .away: "away"
        case .busy: "busy"
        case .offline: "offline"
        }
    }

    /// The status with this RPC name (`online`, `away`, `busy`, `offline`), or nil.
    public init?(name: String) {
        guard let status = Self.allCases.first(where: { $0.name == name && $0 != .unspecified }) else { return nil }
        self = status
    }
}
