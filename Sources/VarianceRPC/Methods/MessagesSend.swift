/// `messages.send {conversation, text, replyTo?}`: stores a text as queued (the conversation
/// is a DID, or `@name` of a contact) and answers `{id, status: "queued"}`; the outbox then
/// encrypts it with Olm and sends it, and `message.status` reports what follows.
public enum MessagesSend: RPCMethod {
    public static let name = "messages.send"
    /// The most UTF-8 bytes of a text.
    public static let maxTextBytes = 16 * 1024

    public struct Params: RPCParams {
        public var conversation: String
        public var text: String
        public var replyTo: String?

        public init(from params: ParamsReader) throws(RPCError) {
            conversation = try params.string("conversation")
            guard !conversation.isEmpty else {
                throw RPCError.invalidParams(field: "conversation", reason: "must not be empty")
            }
            text = try params.string("text")
            guard !text.isEmpty, text.utf8.count <= MessagesSend.maxTextBytes else {
                throw RPCError.invalidParams(field: "text", reason: "must be 1 to \(MessagesSend.maxTextBytes) bytes")
            }
            replyTo = try params.optionalString("replyTo")
            if let replyTo, replyTo.utf8.isEmpty || replyTo.utf8.count > 64 || !replyTo.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) {
                throw RPCError.invalidParams(field: "replyTo", reason: "must be a message id")
            }
        }
    }

    public struct Result: RPCResult {
        public var id: String
        public var status: String
        public init(id: String, status: String) {
            self.id = id
            self.status = status
        }
        public var json: JSON { ["id": .string(id), "status": .string(status)] }
    }
}
