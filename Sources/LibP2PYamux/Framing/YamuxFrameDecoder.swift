/// Cuts a byte stream into yamux frames. Takes input in pieces of any size (one byte, or
/// several frames at once) and never allocates more than a frame it has agreed to read.
///
/// Refuses, with a ``YamuxProtocolError``: a version other than 0, a type above 3, and a
/// Data frame longer than ``maxDataLength`` (checked on the header, before any of the
/// payload is buffered). After an error the decoder should be dropped along with the
/// connection.
///
/// ``YamuxSession`` drives the decoder one level lower (header first, then the payload or
/// a skip) so that it can check a Data frame against the stream's window, or throw away a
/// frame for a stream it has forgotten, without buffering it.
public struct YamuxFrameDecoder: Sendable {
    /// The longest Data payload accepted.
    public let maxDataLength: UInt32

    private var buffer: [UInt8] = []
    private var readIndex = 0
    /// Payload bytes still to be skipped that have not arrived yet (buffer is empty then).
    private var discardRemaining = 0
    /// The header whose payload ``nextFrame()`` is waiting for.
    private var pendingHeader: YamuxFrameHeader?

    /// A decoder accepting Data payloads up to `maxDataLength` bytes.
    public init(maxDataLength: UInt32 = YamuxConfiguration().maxWindow) {
        self.maxDataLength = maxDataLength
    }

    /// Bytes received but not yet returned as (part of) a frame.
    public var bufferedByteCount: Int { buffer.count - readIndex }

    /// Adds received bytes.
    public mutating func append(_ bytes: [UInt8]) {
        append(bytes[...])
    }

    /// Adds received bytes.
    public mutating func append(_ bytes: ArraySlice<UInt8>) {
        let skipped = min(discardRemaining, bytes.count)
        discardRemaining -= skipped
        buffer.append(contentsOf: bytes.dropFirst(skipped))
    }

    /// Adds received bytes (for callers holding a NIO `ByteBuffer` view).
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        let skipped = min(discardRemaining, bytes.count)
        discardRemaining -= skipped
        buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[skipped...]))
    }

    /// The next whole frame, or `nil` until enough bytes have arrived.
    public mutating func nextFrame() throws(YamuxProtocolError) -> YamuxFrame? {
        if pendingHeader == nil {
            guard let header = try readHeader() else { return nil }
            pendingHeader = header
        }
        guard let header = pendingHeader else { return nil }
        guard header.type == .data, header.length > 0 else {
            pendingHeader = nil
            return YamuxFrame(header: header)
        }
        guard let payload = readPayload(count: Int(header.length)) else { return nil }
        pendingHeader = nil
        return YamuxFrame(header: header, payload: payload)
    }

    /// Reads and checks the next header, or returns `nil` until 12 bytes are there. The
    /// caller then reads or discards the payload of a Data frame.
    mutating func readHeader() throws(YamuxProtocolError) -> YamuxFrameHeader? {
        guard discardRemaining == 0,
            let header = try YamuxFrameHeader.decode(buffer[readIndex...])
        else { return nil }
        if header.type == .data, header.length > maxDataLength { throw .frameTooLarge(header.length) }
        consume(YamuxFrameHeader.encodedLength)
        return header
    }

    /// The next `count` bytes once all of them have arrived, else `nil` (nothing consumed).
    mutating func readPayload(count: Int) -> [UInt8]? {
        guard bufferedByteCount >= count else { return nil }
        let payload = Array(buffer[readIndex..<readIndex + count])
        consume(count)
        return payload
    }

    /// Skips the next `count` bytes, including ones that have not arrived yet.
    mutating func discard(count: Int) {
        let available = min(count, bufferedByteCount)
        consume(available)
        discardRemaining += count - available
    }

    /// Drops everything buffered (used once the session has failed).
    mutating func clear() {
        buffer = []
        readIndex = 0
        discardRemaining = 0
        pendingHeader = nil
    }

    private mutating func consume(_ count: Int) {
        readIndex += count
        if readIndex == buffer.count {
            // Keep a modest buffer for the next frames; give back what a big frame needed.
            buffer.removeAll(keepingCapacity: buffer.capacity <= 1 << 20)
            readIndex = 0
        } else if readIndex >= 1 << 16, readIndex * 2 >= buffer.count {
            buffer.removeSubrange(0..<readIndex)
            readIndex = 0
        }
    }
}
