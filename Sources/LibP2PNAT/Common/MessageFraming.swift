import LibP2PCore

/// The framing of AutoNAT and DCUtR: each protobuf message is prefixed with its length as an
/// unsigned varint (multiformats `unsigned-varint`), and refused above a maximum size.
///
/// ``frame(_:)`` frames one payload; ``unframe(_:maxLength:)`` takes the first whole payload
/// from a buffer. For a stream that arrives in pieces, ``decoder(maxLength:)`` gives a
/// ``LengthPrefixedDecoder`` (from LibP2PCore) with the same bound.
public enum MessageFraming {
    /// One frame taken from the front of a buffer.
    public struct Frame: Sendable, Hashable {
        /// The message bytes, without the prefix.
        public let payload: [UInt8]
        /// How many bytes of the buffer the frame used (prefix and payload).
        public let consumed: Int
    }

    /// Frames one payload.
    ///
    /// - Parameter payload: The encoded message.
    /// - Returns: The varint length, then the payload.
    public static func frame(_ payload: [UInt8]) -> [UInt8] {
        LengthPrefixed.encode(payload)
    }

    /// The first whole frame of `buffer`, or nil if more bytes are needed.
    ///
    /// - Parameters:
    ///   - buffer: Received bytes, starting at a frame boundary.
    ///   - maxLength: The longest payload accepted.
    /// - Returns: The frame, or nil when the buffer ends inside it.
    /// - Throws: ``NATWireError/messageTooLarge(size:limit:)`` as soon as the prefix proves the
    ///   payload is too long, ``NATWireError/malformed`` for a broken prefix.
    public static func unframe(_ buffer: [UInt8], maxLength: Int) throws(NATWireError) -> Frame? {
        let length: UInt64
        let prefixLength: Int
        do {
            (length, prefixLength) = try Varint.decode(buffer)
        } catch .truncated {
            // A prefix that has not ended yet may already prove the payload is too long.
            if buffer.count > 1, UInt64(1) << UInt64(7 * min(buffer.count - 1, 8)) > UInt64(maxLength) {
                throw .messageTooLarge(size: Int(clamping: UInt64(1) << UInt64(7 * min(buffer.count - 1, 8))), limit: maxLength)
            }
            return nil
        } catch {
            throw .malformed
        }
        guard length <= UInt64(maxLength) else { throw .messageTooLarge(size: Int(clamping: length), limit: maxLength) }
        guard buffer.count - prefixLength >= Int(length) else { return nil }
        return Frame(payload: Array(buffer[prefixLength..<prefixLength + Int(length)]), consumed: prefixLength + Int(length))
    }

    /// A stream decoder bounded to `maxLength` bytes per payload.
    ///
    /// - Parameter maxLength: The longest payload accepted.
    public static func decoder(maxLength: Int) -> LengthPrefixedDecoder {
        LengthPrefixedDecoder(maxMessageLength: maxLength)
    }
}
