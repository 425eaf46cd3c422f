/// Why an RPC was refused or a publish failed. Small and free of message contents, so it
/// can be logged.
public enum GossipSubError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The bytes are not a protobuf `RPC`.
    case malformed
    /// The encoded RPC (or a message to publish) is over the size limit.
    case tooLarge(size: Int, limit: Int)
    /// More subscription changes, GRAFTs or PRUNEs in one RPC than allowed.
    case tooManyEntries(count: Int, limit: Int)
    /// More message IDs in the IHAVEs and IWANTs of one RPC than allowed.
    case tooManyMessageIDs(count: Int, limit: Int)
    /// A topic that is empty or too long, or a message ID that is too long.
    case invalidTopic
    /// A message ID over the length limit.
    case invalidMessageID
    /// The RPC came from a peer that was never added.
    case unknownPeer

    /// A sentence saying what is wrong.
    public var description: String {
        switch self {
        case .malformed: "the bytes are not a valid pubsub RPC"
        case .tooLarge(let size, let limit): "a pubsub RPC of \(size) bytes is over the \(limit)-byte limit"
        case .tooManyEntries(let count, let limit): "a pubsub RPC has \(count) entries of one kind, over the limit of \(limit)"
        case .tooManyMessageIDs(let count, let limit): "a pubsub RPC lists \(count) message IDs, over the limit of \(limit)"
        case .invalidTopic: "a pubsub topic is empty or too long"
        case .invalidMessageID: "a pubsub message ID is too long"
        case .unknownPeer: "the pubsub RPC came from a peer that is not connected"
        }
    }
}
