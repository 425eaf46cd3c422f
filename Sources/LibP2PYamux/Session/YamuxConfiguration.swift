/// Limits and window sizes of a ``YamuxSession``. Every bound says what happens when it is
/// reached.
public struct YamuxConfiguration: Hashable, Sendable {
    /// The window each stream starts with on both sides, fixed by the spec:
    /// 256 KiB = 262,144 bytes (not 256,000).
    public static let defaultWindow: UInt32 = 262_144

    /// The receive window this side grants each new stream. Anything above
    /// ``defaultWindow`` is granted by a WindowUpdate sent with the SYN or ACK; values
    /// below it are raised to it, since the peer assumes that much anyway.
    public var initialWindow: UInt32 = YamuxConfiguration.defaultWindow

    /// The largest receive window a stream may grow to (with ``autoTuneWindow``), and the
    /// longest Data frame accepted at all: a longer one is a protocol error.
    public var maxWindow: UInt32 = 16 * 1024 * 1024

    /// Double a stream's receive window (up to ``maxWindow``) each time the application has
    /// consumed what arrived while the peer had used up all its credit, i.e. when the
    /// window, not the reader, held the sender back. Off by default: memory per stream then
    /// stays at ``initialWindow``.
    public var autoTuneWindow = false

    /// Streams the peer may have open at once. A SYN beyond this is answered with RST
    /// (the stream is refused; the session goes on).
    public var maxInboundStreams = 256

    /// Streams this side may have open at once. ``YamuxSession/openStream()`` throws
    /// ``YamuxError/streamLimitReached`` beyond it.
    public var maxOutboundStreams = 256

    /// Bytes a stream may hold queued in the session waiting for send window.
    /// ``YamuxSession/write(stream:data:)`` throws ``YamuxError/sendBufferFull`` (and
    /// queues nothing) when a write would exceed it.
    public var maxBufferedBytesPerStream = 4 * 1024 * 1024

    /// The longest Data payload this side sends in one frame; longer writes are split, so
    /// that streams take turns on the wire.
    public var maxSendFrameLength: UInt32 = 16 * 1024

    /// The defaults above.
    public init() {}

    /// The configuration with values outside their meaningful ranges moved into them.
    var normalized: YamuxConfiguration {
        var result = self
        result.initialWindow = max(initialWindow, Self.defaultWindow)
        result.maxWindow = max(maxWindow, result.initialWindow)
        result.maxInboundStreams = max(maxInboundStreams, 0)
        result.maxOutboundStreams = max(maxOutboundStreams, 0)
        result.maxBufferedBytesPerStream = max(maxBufferedBytesPerStream, 0)
        result.maxSendFrameLength = max(maxSendFrameLength, 1)
        return result
    }
}
