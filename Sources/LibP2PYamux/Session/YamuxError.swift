/// Why a local call on a ``YamuxSession`` was refused. These concern the caller, not the
/// peer: the session is unchanged after one is thrown.
public struct YamuxError: Error, Hashable, Sendable, CustomStringConvertible {
    enum Reason: Hashable, Sendable {
        case unknownStream
        case writeClosed
        case sessionFailed
        case goingAway
        case streamLimitReached
        case streamIDsExhausted
        case sendBufferFull
    }

    let reason: Reason

    /// The stream is not open: never opened, reset, or closed by both sides.
    public static let unknownStream = YamuxError(reason: .unknownStream)
    /// ``YamuxSession/closeWrite(stream:)`` was called on this stream already.
    public static let writeClosed = YamuxError(reason: .writeClosed)
    /// The session ended with a protocol error; close the connection.
    public static let sessionFailed = YamuxError(reason: .sessionFailed)
    /// A GoAway was sent or received: no new streams.
    public static let goingAway = YamuxError(reason: .goingAway)
    /// ``YamuxConfiguration/maxOutboundStreams`` streams are open already.
    public static let streamLimitReached = YamuxError(reason: .streamLimitReached)
    /// Every stream id of this side's parity has been used; open a new connection.
    public static let streamIDsExhausted = YamuxError(reason: .streamIDsExhausted)
    /// The write would queue more than ``YamuxConfiguration/maxBufferedBytesPerStream``
    /// bytes; nothing was written. Wait for ``YamuxEvent/windowAvailable(_:)``.
    public static let sendBufferFull = YamuxError(reason: .sendBufferFull)

    /// A sentence naming the refusal.
    public var description: String {
        switch reason {
        case .unknownStream: "yamux: no such open stream"
        case .writeClosed: "yamux: the stream's write side is closed"
        case .sessionFailed: "yamux: the session failed with a protocol error"
        case .goingAway: "yamux: the session is going away; no new streams"
        case .streamLimitReached: "yamux: outbound stream limit reached"
        case .streamIDsExhausted: "yamux: stream ids exhausted; open a new connection"
        case .sendBufferFull: "yamux: the stream's send buffer is full; wait for window"
        }
    }
}
