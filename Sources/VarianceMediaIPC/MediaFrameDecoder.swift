/// Splits the bytes read from the media pipe into frame payloads. Pure: bytes in, payloads
/// out. A length over ``MediaFrame/maximumPayloadBytes`` is refused as soon as its header is
/// in, so the buffer never holds more than one frame and the last read.
public struct MediaFrameDecoder: Sendable {
    private var buffer: [UInt8] = []
    private var start = 0
    private var failed = false

    public init() {}

    /// Bytes waiting for the rest of their frame.
    public var bufferedBytes: Int { buffer.count - start }

    /// Adds bytes read from the pipe.
    public mutating func append(_ bytes: some Sequence<UInt8>) {
        if start > 0, start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete payload, nil when more bytes are needed. After an error the decoder
    /// stays failed: the stream has no frame boundary left to trust.
    public mutating func next() throws(MediaIPCError) -> [UInt8]? {
        if failed { throw .malformed }
        guard buffer.count - start >= MediaFrame.headerBytes else { return nil }
        let length = Int(buffer[start]) << 24 | Int(buffer[start + 1]) << 16 | Int(buffer[start + 2]) << 8 | Int(buffer[start + 3])
        guard length <= MediaFrame.maximumPayloadBytes else {
            failed = true
            throw .frameTooLarge(length)
        }
        guard buffer.count - start - MediaFrame.headerBytes >= length else { return nil }
        let from = start + MediaFrame.headerBytes
        let payload = Array(buffer[from..<from + length])
        start = from + length
        if start > 64 * 1024 {
            buffer.removeFirst(start)
            start = 0
        }
        return payload
    }
}
