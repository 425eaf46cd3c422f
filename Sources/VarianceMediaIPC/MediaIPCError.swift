/// Why a frame on the media pipe was refused. Any of these ends the conversation: the engine
/// ends the call, the media process exits.
public enum MediaIPCError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The length prefix announces more than ``MediaFrame/maximumPayloadBytes``.
    case frameTooLarge(Int)
    /// The payload is not a message of the expected kind.
    case malformed
    /// The message decodes but its body is not set: a kind this side does not know.
    case unknownMessage

    public var description: String {
        switch self {
        case .frameTooLarge(let length): "a media frame of \(length) bytes is over the limit"
        case .malformed: "a media frame does not decode"
        case .unknownMessage: "a media frame carries an unknown message"
        }
    }
}
