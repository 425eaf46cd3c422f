/// `messages.list {conversation, before?, limit?}`: a page of messages, newest first.
/// `before` is the opaque cursor a previous page returned; pages never skip or repeat.
public enum MessagesList: RPCMethod {
    public static let name = "messages.list"
    public static let maxLimit: Int64 = 500

    public struct Params: RPCParams {
        public var conversation: String
        public var before: String?
        public var limit: Int64

        public init(from params: ParamsReader) throws(RPCError) {
            conversation = try params.string("conversation")
            guard !conversation.isEmpty else {
                throw RPCError.invalidParams(field: "conversation", reason: "must not be empty")
            }
            before = try params.optionalString("before")
            limit = try params.optionalInt("limit") ?? 50
            guard (1...MessagesList.maxLimit).contains(limit) else {
                throw RPCError.invalidParams(field: "limit", reason: "must be between 1 and \(MessagesList.maxLimit)")
            }
        }
    }

    public struct Result: RPCResult {
        public var messages: [MessageObject]
        public var before: String?

        public init(messages: [MessageObject], before: String?) {
            self.messages = messages
            self.before = before
        }

        public var json: JSON {
            var object: JSONObject = ["messages": .array(messages.map(\.json))]
            if let before { object["before"] = .string(before) }
            return .object(object)
        }
    }
}

/// A message as the contract shows it:
/// `{id, conversation, from, text, sentAt, receivedAt?, status, replyTo?, expiresAt}`.
public struct MessageObject: Sendable {
    public var id: String
    public var conversation: String
    public var from: String
    public var text: String
    public var sentAt: String
    public var receivedAt: String?
    public var status: String
    public var replyTo: String?
    public var expiresAt: String

    public init(
        id: String, conversation: String, from: String, text: String, sentAt: String,
        receivedAt: String?, status: String, replyTo: String?, expiresAt: String
    ) {
        self.id = id
        self.conversation = conversation
        self.from = from
        self.text = text
        self.sentAt = sentAt
        self.receivedAt = receivedAt
        self.status = status
        self.replyTo = replyTo
        self.expiresAt = expiresAt
    }

    public var json: JSON {
        var object: JSONObject = [
            "id": .string(id), "conversation": .string(conversation), "from": .string(from),
            "text": .string(text), "sentAt": .string(sentAt),
        ]
        if let receivedAt { object["receivedAt"] = .string(receivedAt) }
        object["status"] = .string(status)
        if let replyTo { object["replyTo"] = .string(replyTo) }
        object["expiresAt"] = .string(expiresAt)
        return .object(object)
    }
}
