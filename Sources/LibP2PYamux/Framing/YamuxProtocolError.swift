/// Why a peer's bytes broke the yamux protocol. The session answers each of these with
/// GoAway(protocol error) and stops; the connection should then be closed.
///
/// Holds only ids, codes and lengths, never payload bytes.
public struct YamuxProtocolError: Error, Hashable, Sendable, CustomStringConvertible {
    enum Reason: Hashable, Sendable {
        case unsupportedVersion(UInt8)
        case unknownFrameType(UInt8)
        case frameTooLarge(UInt32)
        case windowExceeded(YamuxStreamID)
        case invalidStreamID(YamuxStreamID)
        case streamIDReused(YamuxStreamID)
    }

    let reason: Reason

    /// A header's version field was not 0.
    public static func unsupportedVersion(_ version: UInt8) -> YamuxProtocolError {
        YamuxProtocolError(reason: .unsupportedVersion(version))
    }

    /// A header's type field was not Data, WindowUpdate, Ping or GoAway.
    public static func unknownFrameType(_ type: UInt8) -> YamuxProtocolError {
        YamuxProtocolError(reason: .unknownFrameType(type))
    }

    /// A Data frame announced more bytes than any window this side grants.
    public static func frameTooLarge(_ length: UInt32) -> YamuxProtocolError {
        YamuxProtocolError(reason: .frameTooLarge(length))
    }

    /// A Data frame carried more bytes than the stream's receive window allowed.
    public static func windowExceeded(_ stream: YamuxStreamID) -> YamuxProtocolError {
        YamuxProtocolError(reason: .windowExceeded(stream))
    }

    /// A SYN named id 0 or an id of this side's parity, or Data was sent on stream 0.
    public static func invalidStreamID(_ stream: YamuxStreamID) -> YamuxProtocolError {
        YamuxProtocolError(reason: .invalidStreamID(stream))
    }

    /// A SYN named a stream that is open or was used before.
    public static func streamIDReused(_ stream: YamuxStreamID) -> YamuxProtocolError {
        YamuxProtocolError(reason: .streamIDReused(stream))
    }

    /// A sentence naming the fault.
    public var description: String {
        switch reason {
        case .unsupportedVersion(let version): "yamux: unsupported version \(version)"
        case .unknownFrameType(let type): "yamux: unknown frame type \(type)"
        case .frameTooLarge(let length): "yamux: data frame of \(length) bytes exceeds the maximum window"
        case .windowExceeded(let id): "yamux: stream \(id) sent more data than its receive window"
        case .invalidStreamID(let id): "yamux: invalid stream id \(id) for this frame"
        case .streamIDReused(let id): "yamux: stream id \(id) reused"
        }
    }
}
