import VarianceStorage

/// A conversation as the engine hands it out.
public struct ConversationSummary: Sendable, Equatable {
    public var id: String
    public var kind: String
    public var title: String
    public var lastMessage: Message?
    /// Incoming messages not yet marked read.
    public var unread: Int
    /// The disappearing timer in seconds (0: the 30-day default).
    public var timerSeconds: Int64
}

/// Conversations: the list, with each one's newest message and unread count.
extension Engine {
    /// Every conversation, most recently active first.
    public func listConversations() throws(EngineError) -> [ConversationSummary] {
        flushSends()
        _ = try readyIdentity()
        let store = try readyStore()
        let now = clock()
        do {
            var result: [ConversationSummary] = []
            for conversation in try store.conversations() {
                let last = try store.messages(conversation: conversation.id, before: nil, limit: 1, now: now).messages.first
                result.append(ConversationSummary(
                    id: conversation.id, kind: conversation.kind.rawValue, title: try title(of: conversation, store: store),
                    lastMessage: last.map(Self.message), unread: conversation.unread,
                    timerSeconds: conversation.timerSeconds))
            }
            return result
        } catch {
            throw Self.map(error)
        }
    }

    /// The stored title, else the contact's nickname or username, else the id.
    private func title(of conversation: StoredConversation, store: Store) throws -> String {
        if !conversation.title.isEmpty { return conversation.title }
        guard conversation.kind == .direct, let contact = try store.contact(did: conversation.id) else { return conversation.id }
        return contact.nickname ?? contact.username ?? conversation.id
    }
}
