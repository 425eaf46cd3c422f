/// Why a Kademlia message, record or persisted peer store was refused. Small and free of
/// message contents, so it can be logged.
public enum KadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The bytes are not a protobuf `Message` (or a peer store snapshot).
    case malformed
    /// The encoded message is over the size limit.
    case messageTooLarge(size: Int, limit: Int)
    /// The message type number is not one of the six of the specification.
    case unknownMessageType(Int)
    /// The key is empty where one is needed, or over the size limit.
    case invalidKey
    /// More closer or provider peers than allowed in one message.
    case tooManyPeers(count: Int, limit: Int)
    /// A record value over the size limit.
    case recordTooLarge(size: Int, limit: Int)
    /// A request without the record or field its type needs.
    case missingField(String)
    /// A record whose key differs from the message key.
    case recordKeyMismatch
    /// The validator refused the record (bad signature, unknown namespace, …).
    case invalidRecord
    /// A store is at its bound and did not take the entry.
    case storeFull
    /// This node runs in client mode and answers no requests.
    case clientMode
    /// A response that does not answer the request that was sent.
    case unexpectedResponse

    /// A sentence saying what is wrong.
    public var description: String {
        switch self {
        case .malformed: "the bytes are not a valid Kademlia message"
        case .messageTooLarge(let size, let limit): "a Kademlia message of \(size) bytes is over the \(limit)-byte limit"
        case .unknownMessageType(let type): "Kademlia message type \(type) is unknown"
        case .invalidKey: "the Kademlia key is empty or too long"
        case .tooManyPeers(let count, let limit): "a Kademlia message lists \(count) peers, over the limit of \(limit)"
        case .recordTooLarge(let size, let limit): "a record value of \(size) bytes is over the \(limit)-byte limit"
        case .missingField(let name): "the Kademlia request lacks its \(name)"
        case .recordKeyMismatch: "the record key differs from the message key"
        case .invalidRecord: "the record was refused by its validator"
        case .storeFull: "the store is full"
        case .clientMode: "this node is a DHT client and serves no requests"
        case .unexpectedResponse: "the response does not match the request"
        }
    }
}
