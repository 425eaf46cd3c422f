/// What a ``YamuxSession`` reports to the code driving it, in the order it happened.
public enum YamuxEvent: Hashable, Sendable {
    /// The peer opened a stream (inbound SYN) and the session accepted it (ACK queued).
    case streamOpened(YamuxStreamID)
    /// The peer acknowledged a stream this side opened.
    case streamAccepted(YamuxStreamID)
    /// Bytes arrived on a stream. Call ``YamuxSession/consumed(stream:bytes:)`` once the
    /// application has taken them, or the peer runs out of window.
    case data(YamuxStreamID, [UInt8])
    /// The peer half-closed the stream (FIN): it sends no more data, but still reads.
    case remoteClosedWrite(YamuxStreamID)
    /// The peer reset or refused the stream (RST), or broke its rules on it; the stream is
    /// gone and unsent data is dropped.
    case streamReset(YamuxStreamID)
    /// Both sides have closed their write side; the stream is gone.
    case streamClosed(YamuxStreamID)
    /// A stream that had data queued or no send window can send again: its queue is empty
    /// and its window is open.
    case windowAvailable(YamuxStreamID)
    /// The peer pinged; the reply has been queued.
    case pingReceived(opaque: UInt32)
    /// The peer answered a ``YamuxSession/ping(opaque:)``.
    case pong(opaque: UInt32)
    /// The peer is going away: no new streams in either direction; open ones continue.
    case goAwayReceived(YamuxGoAwayCode)
    /// The peer broke the protocol. GoAway(protocol error) has been queued, every stream
    /// is gone and the session ignores further input: send the output, then close the
    /// connection.
    case protocolError(YamuxProtocolError)
}
