/// Why an AutoNAT or DCUtR message was refused. Small and free of message contents, so it can
/// be logged; the stream it came from should be reset (or, for an AutoNAT request, answered
/// with `E_BAD_REQUEST`).
public enum NATWireError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The encoded message is over the size limit.
    case messageTooLarge(size: Int, limit: Int)
    /// The bytes are not a protobuf message of the expected schema (this includes a proto2
    /// `required` field that is missing, and invalid UTF-8 in a string).
    case malformed
    /// The message type is absent or not one the specification defines.
    case unknownMessageType
    /// A field the message type needs is absent (named as in the specification).
    case missingField(String)
    /// A response status that the specification does not define.
    case unknownStatus
    /// The peer ID bytes are not a peer ID.
    case invalidPeerID
    /// More addresses than the limit in one message.
    case tooManyAddresses(count: Int, limit: Int)
    /// A status text over the length limit.
    case statusTextTooLong(length: Int, limit: Int)

    /// A sentence saying what is wrong.
    public var description: String {
        switch self {
        case .messageTooLarge(let size, let limit): "a message of \(size) bytes is over the \(limit)-byte limit"
        case .malformed: "the bytes are not a valid protobuf message of this protocol"
        case .unknownMessageType: "the message type is missing or unknown"
        case .missingField(let name): "the message lacks its \(name) field"
        case .unknownStatus: "the response status is missing or unknown"
        case .invalidPeerID: "the peer ID bytes are not a valid peer ID"
        case .tooManyAddresses(let count, let limit): "the message lists \(count) addresses, over the limit of \(limit)"
        case .statusTextTooLong(let length, let limit): "a status text of \(length) bytes is over the \(limit)-byte limit"
        }
    }
}
