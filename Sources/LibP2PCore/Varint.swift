/// Unsigned LEB128 varints as specified by multiformats `unsigned-varint`: seven bits per
/// byte, least significant group first, high bit set on every byte but the last.
///
/// Decoding follows the multiformats rules: at most 9 bytes (so values up to 2^63 - 1) and
/// minimal encodings only.
public enum Varint {
    /// The longest encoding accepted by ``decode(_:)``.
    public static let maxLength = 9

    /// Why bytes are not a valid varint.
    public enum DecodingError: Error, Sendable, Equatable {
        /// The input ended before the last byte of the varint (more bytes may still arrive).
        case truncated
        /// The varint is longer than ``Varint/maxLength`` bytes.
        case tooLong
        /// The varint has a redundant trailing zero group (e.g. `80 00` for 0).
        case notMinimal
    }

    /// The encoding of `value`.
    ///
    /// - Parameter value: Any value; values of 2^63 and above take 10 bytes, which
    ///   ``decode(_:)`` refuses, so keep protocol values below 2^63.
    /// - Returns: 1 to 10 bytes.
    public static func encode(_ value: UInt64) -> [UInt8] {
        var bytes: [UInt8] = []
        encode(value, into: &bytes)
        return bytes
    }

    /// Appends the encoding of `value` to `buffer`.
    ///
    /// - Parameters:
    ///   - value: The value to encode.
    ///   - buffer: The buffer that receives the bytes.
    public static func encode(_ value: UInt64, into buffer: inout [UInt8]) {
        var rest = value
        while rest >= 0x80 {
            buffer.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        buffer.append(UInt8(rest))
    }

    /// The number of bytes ``encode(_:)`` produces for `value`.
    ///
    /// - Parameter value: The value.
    /// - Returns: 1 to 10.
    public static func encodedLength(_ value: UInt64) -> Int {
        var length = 1
        var rest = value >> 7
        while rest != 0 {
            length += 1
            rest >>= 7
        }
        return length
    }

    /// Decodes the varint at the start of `bytes`.
    ///
    /// - Parameter bytes: Input that starts with a varint; bytes after it are ignored.
    /// - Returns: The value and how many bytes of `bytes` it used.
    /// - Throws: ``DecodingError/truncated`` if `bytes` ends inside the varint (a stream
    ///   decoder should wait for more input), ``DecodingError/tooLong`` past 9 bytes,
    ///   ``DecodingError/notMinimal`` for a non-minimal encoding.
    public static func decode(_ bytes: some Collection<UInt8>) throws(DecodingError) -> (value: UInt64, length: Int) {
        var value: UInt64 = 0
        var length = 0
        for byte in bytes {
            guard length < maxLength else { throw .tooLong }
            value |= UInt64(byte & 0x7F) << (7 * UInt64(length))
            length += 1
            if byte & 0x80 == 0 {
                if byte == 0 && length > 1 { throw .notMinimal }
                return (value, length)
            }
        }
        throw length == maxLength ? .tooLong : .truncated
    }
}
