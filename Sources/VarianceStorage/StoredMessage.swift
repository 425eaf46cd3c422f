/// A message as the store keeps it; `text` is encrypted at rest.
///
/// Times are Unix milliseconds. `sender` is a DID; `conversation` is a DID (direct) or a
/// group id; `id` is a ULID string.
public struct StoredMessage: Sendable, Equatable {
    /// How long a message lives by default: 30 days, in milliseconds.
    public static let messageLifetimeMillis: Int64 = 30 * 24 * 60 * 60 * 1000

    /// The message id (a ULID string), unique across conversations.
    public var id: String
    /// The conversation it belongs to; must exist in `conversations`.
    public var conversation: String
    /// The sender's DID.
    public var sender: String
    /// The message text (stored encrypted).
    public var text: String
    /// When the sender sent it (the sender's clock).
    public var sentAt: Int64
    /// When this device received it; nil for messages written here.
    public var receivedAt: Int64?
    /// `queued`, `sent`, `delivered`, `read`, `failed`, or `received`.
    public var status: String
    /// The id of the message this one replies to.
    public var replyTo: String?
    /// When it disappears: never returned once `expiresAt <= now`.
    public var expiresAt: Int64

    /// Creates a message; `expiresAt` defaults to `sentAt + messageLifetimeMillis`.
    public init(
        id: String, conversation: String, sender: String, text: String, sentAt: Int64,
        receivedAt: Int64? = nil, status: String, replyTo: String? = nil, expiresAt: Int64? = nil
    ) {
        self.id = id
        self.conversation = conversation
        self.sender = sender
        self.text = text
        self.sentAt = sentAt
        self.receivedAt = receivedAt
        self.status = status
        self.replyTo = replyTo
        self.expiresAt = expiresAt ?? sentAt &+ Self.messageLifetimeMillis
    }
}
