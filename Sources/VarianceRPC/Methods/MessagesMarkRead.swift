/// `messages.markRead {conversation, upTo}`: marks the incoming messages up to and
/// including `upTo` read and sends the peer a read receipt.
public enum MessagesMarkRead: RPCMethod {
    public static let name = "messages.markRead"

    public struct Params: RPCParams {
        public var conversation: String
        public var upTo: String

        public init(from params: ParamsReader) throws(RPCError) {
            conversation = try params.string("conversation")
            guard !conversation.isEmpty, conversation.utf8.count <= 256 else {
                throw RPCError.invalidParams(field: "conversation", reason: "must be a conversation id")
            }
            upTo = try params.string("upTo")
            guard upTo.utf8.count == 26 else {
                throw RPCError.invalidParams(field: "upTo", reason: "must be a message id")
            }
        }
    }

    public typealias Result = EmptyResult
}
