/// Two connected in-memory stream ends carrying length-prefixed messages: the test and
/// benchmark seam in place of a libp2p stream (no sockets).
///
/// Each direction is bounded (`capacity` bytes queued, 256 KiB by default like a yamux
/// stream's initial window): a writer waits while the reader lags. `chunkSize` splits every
/// framed message into pieces of that size, so readers see messages cut anywhere.
public enum MessagePipe {
    /// A connected pair: what one end writes, the other reads.
    public static func make(
        capacity: Int = 256 * 1024, chunkSize: Int? = nil, maxMessageBytes: Int = OfflineLimits.default.maxMessageBytes
    ) -> (MessagePipeEnd, MessagePipeEnd) {
        let ab = ByteChannel(capacity: capacity)
        let ba = ByteChannel(capacity: capacity)
        return (
            MessagePipeEnd(inbound: ba, outbound: ab, chunkSize: chunkSize, maxMessageBytes: maxMessageBytes),
            MessagePipeEnd(inbound: ab, outbound: ba, chunkSize: chunkSize, maxMessageBytes: maxMessageBytes)
        )
    }
}

/// One end of a ``MessagePipe``. One task reads it at a time.
public actor MessagePipeEnd {
    private let inbound: ByteChannel
    private let outbound: ByteChannel
    private let chunkSize: Int?
    private var decoder: OfflineFrameDecoder

    init(inbound: ByteChannel, outbound: ByteChannel, chunkSize: Int?, maxMessageBytes: Int) {
        self.inbound = inbound
        self.outbound = outbound
        self.chunkSize = chunkSize
        decoder = OfflineFrameDecoder(maxMessageBytes: maxMessageBytes)
    }

    /// The next message body, or nil once the peer closed and everything was read.
    ///
    /// - Throws: ``OfflineError`` for bad framing; ``OfflineError/streamEnded`` when the
    ///   peer closed in the middle of a message.
    public func read() async throws -> [UInt8]? {
        while true {
            if let body = try decoder.next() { return body }
            guard let chunk = await inbound.receive() else {
                if decoder.bufferedCount > 0 { throw OfflineError.streamEnded }
                return nil
            }
            decoder.append(chunk)
        }
    }

    /// Writes one message body with its length prefix.
    ///
    /// - Throws: ``OfflineError/streamEnded`` when the peer has closed.
    public func write(_ body: [UInt8]) async throws {
        try await writeRaw(OfflineFraming.frame(body))
    }

    /// Writes bytes as they are (for tests that send broken framing).
    public func writeRaw(_ bytes: [UInt8]) async throws {
        guard let chunkSize, chunkSize > 0 else {
            try await outbound.send(bytes)
            return
        }
        var start = 0
        while start < bytes.count {
            let end = min(start + chunkSize, bytes.count)
            try await outbound.send(Array(bytes[start..<end]))
            start = end
        }
    }

    /// Closes both directions: the peer reads what was written, then the end; the peer's
    /// writes fail from now on.
    public func close() async {
        await outbound.close()
        await inbound.close()
    }
}
