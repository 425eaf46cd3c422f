/// A direct or group conversation.
public struct StoredConversation: Sendable, Equatable {
    /// Whether a conversation is with one person or a group.
    public enum Kind: String, Sendable, Equatable {
        /// With one person; the id is their DID.
        case direct
        /// A group; the id is the group id.
        case group
    }

    /// A DID (direct) or a group id.
    public var id: String
    /// Direct or group.
    public var kind: Kind
    /// The display title (may be empty).
    public var title: String
    /// When it was created, Unix milliseconds.
    public var createdAt: Int64
    /// The newest `sentAt` stored in it (or its creation time), Unix milliseconds.
    public var lastActivityAt: Int64
    /// How many messages are unread.
    public var unread: Int
    /// The disappearing timer in seconds: new messages live this long (0: the 30-day default).
    public var timerSeconds: Int64

    /// Creates a conversation; `lastActivityAt` defaults to `createdAt`.
    public init(id: String, kind: Kind, title: String = "", createdAt: Int64, lastActivityAt: Int64? = nil, unread: Int = 0,
        timerSeconds: Int64 = 0
    ) {
        self.id = id
        self.kind = kind
        self.title = title
        self.createdAt = createdAt
        self.lastActivityAt = lastActivityAt ?? createdAt
        self.unread = unread
        self.timerSeconds = timerSeconds
    }
}
