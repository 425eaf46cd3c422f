import Crypto

/// How a message's ID is computed. Every node of a network must use the same function.
public enum MessageIDFunction: Sendable {
    /// `from` followed by `seqno` (the default of go-libp2p and py-libp2p).
    case authorAndSeqno
    /// SHA-256 of `data` (for StrictNoSign, where there is no author or sequence number).
    case contentHash
    /// An application function.
    case custom(@Sendable (PubSubMessage) -> [UInt8])

    /// The ID of `message`.
    public func id(of message: PubSubMessage) -> MessageID {
        switch self {
        case .authorAndSeqno:
            MessageID(Array(message.wire.from) + Array(message.wire.seqno))
        case .contentHash:
            MessageID(Array(SHA256.hash(data: message.wire.data)))
        case .custom(let function):
            MessageID(function(message))
        }
    }
}
