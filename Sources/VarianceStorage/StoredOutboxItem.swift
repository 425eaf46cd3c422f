/// A payload waiting to be sent; the outbox survives restarts.
public struct StoredOutboxItem: Sendable, Equatable {
    /// The item id (a ULID string).
    public var id: String
    /// The message this payload carries or refers to (empty when none).
    public var messageId: String
    /// The conversation it is sent in; items of one conversation leave in order.
    public var conversation: String
    /// The bytes to send (stored encrypted).
    public var payload: [UInt8]
    /// How many times sending was tried.
    public var attempts: Int
    /// Not sent before this time, Unix milliseconds.
    public var nextAttemptAt: Int64
    /// When it was queued, Unix milliseconds; orders items within a conversation.
    public var createdAt: Int64

    /// Creates an item; by default it is due at once.
    public init(
        id: String, messageId: String = "", conversation: String, payload: [UInt8],
        attempts: Int = 0, nextAttemptAt: Int64? = nil, createdAt: Int64
    ) {
        self.id = id
        self.messageId = messageId
        self.conversation = conversation
        self.payload = payload
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt ?? createdAt
        self.createdAt = createdAt
    }
}
