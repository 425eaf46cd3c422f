/// The 12-byte header in front of every yamux frame: version (8 bits, always 0), type (8),
/// flags (16), stream id (32) and length (32), all big-endian.
///
/// What `length` means depends on the type: the payload length for Data, the window
/// increment for WindowUpdate, an opaque value for Ping and an error code for GoAway. Only
/// Data frames have a payload.
public struct YamuxFrameHeader: Hashable, Sendable {
    /// The size of an encoded header.
    public static let encodedLength = 12
    /// The only version this implementation (and the spec) knows.
    public static let protocolVersion: UInt8 = 0

    /// What kind of frame this is.
    public var type: YamuxFrameType
    /// SYN, ACK, FIN and RST bits.
    public var flags: YamuxFlags
    /// The stream the frame is about; ``YamuxStreamID/session`` for Ping and GoAway.
    public var streamID: YamuxStreamID
    /// Payload length, window increment, ping value or GoAway code, by type.
    public var length: UInt32

    /// A header with the given fields (version 0).
    public init(type: YamuxFrameType, flags: YamuxFlags = [], streamID: YamuxStreamID, length: UInt32) {
        self.type = type
        self.flags = flags
        self.streamID = streamID
        self.length = length
    }

    /// Appends the 12 encoded bytes to `buffer`.
    public func encode(into buffer: inout [UInt8]) {
        let flags = flags.rawValue
        let id = streamID.rawValue
        buffer.append(Self.protocolVersion)
        buffer.append(type.rawValue)
        buffer.append(UInt8(truncatingIfNeeded: flags >> 8))
        buffer.append(UInt8(truncatingIfNeeded: flags))
        buffer.append(UInt8(truncatingIfNeeded: id >> 24))
        buffer.append(UInt8(truncatingIfNeeded: id >> 16))
        buffer.append(UInt8(truncatingIfNeeded: id >> 8))
        buffer.append(UInt8(truncatingIfNeeded: id))
        buffer.append(UInt8(truncatingIfNeeded: length >> 24))
        buffer.append(UInt8(truncatingIfNeeded: length >> 16))
        buffer.append(UInt8(truncatingIfNeeded: length >> 8))
        buffer.append(UInt8(truncatingIfNeeded: length))
    }

    /// The 12 encoded bytes.
    public var encoded: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.encodedLength)
        encode(into: &bytes)
        return bytes
    }

    /// Decodes the header at the start of `bytes`.
    ///
    /// - Returns: The header, or `nil` when fewer than 12 bytes are present (more may arrive).
    /// - Throws: ``YamuxProtocolError/unsupportedVersion(_:)`` for a version other than 0,
    ///   ``YamuxProtocolError/unknownFrameType(_:)`` for a type above 3.
    public static func decode(_ bytes: ArraySlice<UInt8>) throws(YamuxProtocolError) -> YamuxFrameHeader? {
        guard bytes.count >= encodedLength else { return nil }
        let start = bytes.startIndex
        let version = bytes[start]
        guard version == protocolVersion else { throw .unsupportedVersion(version) }
        guard let type = YamuxFrameType(rawValue: bytes[start + 1]) else {
            throw .unknownFrameType(bytes[start + 1])
        }
        return YamuxFrameHeader(
            type: type,
            flags: YamuxFlags(rawValue: UInt16(bytes[start + 2]) << 8 | UInt16(bytes[start + 3])),
            streamID: YamuxStreamID(readUInt32(bytes, at: start + 4)),
            length: readUInt32(bytes, at: start + 8)
        )
    }

    private static func readUInt32(_ bytes: ArraySlice<UInt8>, at index: Int) -> UInt32 {
        UInt32(bytes[index]) << 24 | UInt32(bytes[index + 1]) << 16 | UInt32(bytes[index + 2]) << 8
            | UInt32(bytes[index + 3])
    }
}
