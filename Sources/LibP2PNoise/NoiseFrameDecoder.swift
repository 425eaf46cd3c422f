/// Reassembles libp2p Noise frames, `noise_message_len (u16 big-endian) ‖ noise_message`,
/// from chunks of any size.
///
/// A length prefix above ``maxFrameLength`` is refused as soon as its two bytes arrive, so
/// at most one incomplete frame (`2 + maxFrameLength` bytes) is ever held between calls,
/// provided the owner takes every complete frame with ``next()`` before appending more.
struct NoiseFrameDecoder: Sendable {
    /// The longest accepted `noise_message`.
    let maxFrameLength: Int
    private var buffer: [UInt8] = []
    private var readIndex = 0

    /// A decoder refusing frames longer than `maxFrameLength` (at most 65,535).
    init(maxFrameLength: Int) {
        precondition(maxFrameLength <= 65_535, "a Noise frame length is a u16")
        self.maxFrameLength = maxFrameLength
    }

    /// Bytes received but not yet returned as frames.
    var bufferedCount: Int { buffer.count - readIndex }

    /// Adds received bytes.
    mutating func append(_ bytes: [UInt8]) {
        if readIndex == buffer.count {
            buffer = bytes
            readIndex = 0
        } else {
            if readIndex > 0 {
                buffer.removeFirst(readIndex)
                readIndex = 0
            }
            buffer += bytes
        }
    }

    /// The body of the next complete frame, or nil if more bytes are needed.
    ///
    /// - Throws: ``NoiseError/frameTooLarge(length:)`` if the length prefix exceeds
    ///   ``maxFrameLength``; the decoder must then be discarded.
    mutating func next() throws(NoiseError) -> ArraySlice<UInt8>? {
        guard bufferedCount >= 2 else { return nil }
        let length = Int(buffer[readIndex]) << 8 | Int(buffer[readIndex + 1])
        guard length <= maxFrameLength else { throw .frameTooLarge(length: length) }
        guard bufferedCount >= 2 + length else { return nil }
        let start = readIndex + 2
        readIndex = start + length
        return buffer[start..<readIndex]
    }

    /// Removes and returns every byte not yet returned as a frame.
    mutating func takeRemainder() -> [UInt8] {
        let remainder = Array(buffer[readIndex...])
        buffer = []
        readIndex = 0
        return remainder
    }

    /// Appends the 2-byte big-endian length of `count` to `output`.
    static func appendLength(_ count: Int, to output: inout [UInt8]) {
        precondition(count <= 65_535, "a Noise frame length is a u16")
        output.append(UInt8(truncatingIfNeeded: count >> 8))
        output.append(UInt8(truncatingIfNeeded: count))
    }
}
