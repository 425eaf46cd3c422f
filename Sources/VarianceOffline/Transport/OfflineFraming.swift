/// The stream framing of `/variance/offline/1.0.0`: every message is an unsigned varint
/// (multiformats `unsigned-varint`, minimal) holding its length, then the message.
public enum OfflineFraming {
    /// `body` with its length prefix.
    public static func frame(_ body: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(body.count + 3)
        var rest = UInt64(body.count)
        while rest >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        out.append(UInt8(rest))
        out += body
        return out
    }
}

/// Splits a byte stream into message bodies, whatever the pieces it arrives in.
///
/// Bound: a declared length over `maxMessageBytes` is refused as soon as the prefix shows
/// it, so at most one prefix plus `maxMessageBytes` are buffered beyond one appended piece.
public struct OfflineFrameDecoder: Sendable {
    /// The longest body accepted.
    public let maxMessageBytes: Int
    private var buffer: [UInt8] = []
    private var readIndex = 0

    /// A decoder with an empty buffer.
    public init(maxMessageBytes: Int) {
        self.maxMessageBytes = maxMessageBytes
    }

    /// Bytes received but not yet returned as a body.
    public var bufferedCount: Int { buffer.count - readIndex }

    /// Adds received bytes.
    public mutating func append(_ bytes: some Sequence<UInt8>) {
        if readIndex > 0 && readIndex >= buffer.count / 2 {
            buffer.removeFirst(readIndex)
            readIndex = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next whole body, or nil if more bytes are needed.
    ///
    /// - Throws: ``OfflineError/tooLarge(_:)`` for a length over the bound,
    ///   ``OfflineError/malformed(_:)`` for a non-minimal prefix; the stream is unusable then.
    public mutating func next() throws(OfflineError) -> [UInt8]? {
        var length: UInt64 = 0
        var index = readIndex
        var shift: UInt64 = 0
        while true {
            guard index < buffer.count else { return nil }
            let byte = buffer[index]
            length |= UInt64(byte & 0x7F) << shift
            index += 1
            guard length <= UInt64(maxMessageBytes) else { throw .tooLarge("message") }
            if byte & 0x80 == 0 {
                if byte == 0 && index - readIndex > 1 { throw .malformed("length prefix") }
                break
            }
            shift += 7
            // A continuation byte means the length is at least 2^shift.
            guard shift < 63, UInt64(1) << shift <= UInt64(maxMessageBytes) else { throw .tooLarge("message") }
        }
        let count = Int(length)
        guard buffer.count - index >= count else { return nil }
        let body = Array(buffer[index..<index + count])
        readIndex = index + count
        return body
    }
}
