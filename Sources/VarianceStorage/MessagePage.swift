/// One page of a conversation's messages, newest first.
public struct MessagePage: Sendable, Equatable {
    /// The messages, newest first (by `sentAt`, then `id`).
    public var messages: [StoredMessage]
    /// An opaque cursor for the next, older page; nil when there is none.
    public var before: String?

    /// Creates a page.
    public init(messages: [StoredMessage], before: String?) {
        self.messages = messages
        self.before = before
    }
}
