/// `conversations.list`: every conversation, most recently active first, each with its
/// newest message and how many incoming messages are unread.
public enum ConversationsList: RPCMethod {
    public static let name = "conversations.list"

    public typealias Params = NoParams

    public struct Result: RPCResult {
        public var conversations: [ConversationObject]
        public init(conversations: [ConversationObject]) { self.conversations = conversations }
        public var json: JSON { ["conversations": .array(conversations.map(\.json))] }
    }
}

/// A conversation as the contract shows it: `{id, kind, title, lastMessage?, unread, timer}`.
public struct ConversationObject: Sendable {
    public var id: String
    public var kind: String
    public var title: String
    public var lastMessage: MessageObject?
    public var unread: Int64
    /// The disappearing timer in seconds (30 days unless set).
    public var timer: Int64

    public init(id: String, kind: String, title: String, lastMessage: MessageObject?, unread: Int64, timer: Int64) {
        self.id = id
        self.kind = kind
        self.title = title
        self.lastMessage = lastMessage
        self.unread = unread
        self.timer = timer
    }

    public var json: JSON {
        var object: JSONObject = ["id": .string(id), "kind": .string(kind), "title": .string(title)]
        if let lastMessage { object["lastMessage"] = lastMessage.json }
        object["unread"] = .int(unread)
        object["timer"] = .int(timer)
        return .object(object)
    }
}
