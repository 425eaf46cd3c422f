/// Why a length-prefixed stream cannot be decoded; the stream should be closed.
public enum LengthPrefixedError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The length prefix is not a minimal unsigned varint of at most 9 bytes.
    case invalidLengthPrefix
    /// The declared length is over the limit. `length` is exact once the prefix is complete,
    /// and a lower bound when the prefix was refused before its last byte arrived.
    case messageTooLong(length: UInt64, limit: Int)

    /// A sentence saying what is wrong.
    public var description: String {
        switch self {
        case .invalidLengthPrefix: "message length prefix is not a valid unsigned varint"
        case .messageTooLong(let length, let limit): "message of \(length) bytes or more is over the \(limit)-byte limit"
        }
    }
}

/// Splits a byte stream into uvarint-length-prefixed payloads, whatever the pieces the
/// input arrives in.
///
/// Feed input with ``append(_:)`` and take payloads with ``next()`` until it returns nil.
/// Bytes past the last whole payload stay buffered; ``takeBuffered()`` hands them on when
/// the protocol switches framing (as multistream-select does after agreement).
///
/// Bound: a payload longer than ``maxMessageLength`` is an error, raised as soon as the
/// prefix proves it (a 2-byte prefix already means at least 128 bytes), so the decoder
/// buffers at most one prefix plus ``maxMessageLength`` bytes beyond what it was given in
/// one piece.
public struct LengthPrefixedDecoder: Sendable {
    /// The longest payload accepted.
    public let maxMessageLength: Int

    private var buffer: [UInt8] = []
    private var readIndex = 0

    /// A decoder with an empty buffer.
    ///
    /// - Parameter maxMessageLength: The longest payload accepted (non-negative).
    public init(maxMessageLength: Int) {
        precondition(maxMessageLength >= 0, "maxMessageLength must not be negative")
        self.maxMessageLength = maxMessageLength
    }

    /// The number of bytes received but not yet returned.
    public var bufferedCount: Int { buffer.count - readIndex }

    /// Adds received bytes.
    ///
    /// - Parameter bytes: The next piece of the stream.
    public mutating func append(_ bytes: some Sequence<UInt8>) {
        if readIndex > 0 && readIndex >= buffer.count / 2 {
            buffer.removeFirst(readIndex)
            readIndex = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next whole payload, or nil if more bytes are needed.
    ///
    /// - Returns: The payload (without its prefix), or nil.
    /// - Throws: ``LengthPrefixedError``; the stream is unusable afterwards.
    public mutating func next() throws(LengthPrefixedError) -> [UInt8]? {
        try next(maxLength: maxMessageLength)
    }

    /// The next whole payload if it is at most `maxLength` bytes, or nil if more bytes are
    /// needed. A tighter bound than ``maxMessageLength`` lets a caller that knows the next
    /// message (a fixed header, say) refuse anything else without waiting for it to arrive.
    ///
    /// - Parameter maxLength: The bound for this payload, at most ``maxMessageLength``.
    /// - Returns: The payload (without its prefix), or nil.
    /// - Throws: ``LengthPrefixedError``; the stream is unusable afterwards.
    public mutating func next(maxLength: Int) throws(LengthPrefixedError) -> [UInt8]? {
        let limit = min(maxLength, maxMessageLength)
        let available = buffer[readIndex...]
        // A minimal varint with k continuation bytes is at least 2^(7k): refuse as soon as
        // the prefix proves the length is over the limit, before it ends.
        let continuationBytes = available.prefix(while: { $0 & 0x80 != 0 }).count
        for k in stride(from: 1, through: min(continuationBytes, 8), by: 1) {
            let lowerBound = UInt64(1) << UInt64(7 * k)
            if lowerBound > UInt64(limit) { throw .messageTooLong(length: lowerBound, limit: limit) }
        }
        let length: UInt64
        let prefixLength: Int
        do {
            (length, prefixLength) = try Varint.decode(available)
        } catch .truncated {
            return nil
        } catch {
            throw .invalidLengthPrefix
        }
        guard length <= UInt64(limit) else { throw .messageTooLong(length: length, limit: limit) }
        let start = readIndex + prefixLength
        guard buffer.count - start >= Int(length) else { return nil }
        let payload = Array(buffer[start..<start + Int(length)])
        readIndex = start + Int(length)
        return payload
    }

    /// Removes and returns every buffered byte (for the next protocol on the stream).
    ///
    /// - Returns: The bytes received after the last payload returned by ``next()``.
    public mutating func takeBuffered() -> [UInt8] {
        let rest = Array(buffer[readIndex...])
        buffer = []
        readIndex = 0
        return rest
    }
}
