/// An RTP data packet (RFC 3550 §5.1).
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// |V=2|P|X|  CC   |M|     PT      |       sequence number         |
/// |                           timestamp                           |
/// |           synchronization source (SSRC) identifier            |
/// |            contributing source (CSRC) identifiers             |
/// |     [header extension: profile, length in words, data]        |
/// |     payload ...      [padding ... | padding count]            |
/// ```
public struct RTPPacket: Sendable, Equatable {
    /// Payload type, 0...127.
    public var payloadType: UInt8
    /// The marker bit; for video it flags the last packet of a frame.
    public var marker: Bool
    /// Increments by one per packet, wrapping at 2^16.
    public var sequenceNumber: UInt16
    /// Sampling instant of the first payload octet, in the payload's clock rate.
    public var timestamp: UInt32
    /// Synchronization source of the stream.
    public var ssrc: UInt32
    /// Contributing sources, at most 15.
    public var csrcs: [UInt32]
    /// The header extension, kept as opaque bytes (RFC 3550 §5.3.1).
    public var headerExtension: RTPHeaderExtension?
    /// The payload, without padding.
    public var payload: [UInt8]
    /// Padding octets after the payload, counting the final count octet; 0 means none.
    public var paddingLength: UInt8

    /// A packet; the payload type is masked to 7 bits and at most 15 CSRCs are kept.
    public init(
        payloadType: UInt8,
        marker: Bool = false,
        sequenceNumber: UInt16,
        timestamp: UInt32,
        ssrc: UInt32,
        csrcs: [UInt32] = [],
        headerExtension: RTPHeaderExtension? = nil,
        payload: [UInt8],
        paddingLength: UInt8 = 0
    ) {
        self.payloadType = payloadType & 0x7F
        self.marker = marker
        self.sequenceNumber = sequenceNumber
        self.timestamp = timestamp
        self.ssrc = ssrc
        self.csrcs = Array(csrcs.prefix(15))
        self.headerExtension = headerExtension
        self.payload = payload
        self.paddingLength = paddingLength
    }

    /// The fixed header's size, without CSRCs or extension.
    public static let fixedHeaderSize = 12

    /// Parses an RTP packet from untrusted bytes.
    public init(parsing bytes: [UInt8]) throws(MediaParseError) {
        try self.init(parsing: bytes[...])
    }

    /// Parses an RTP packet from a slice of untrusted bytes.
    public init(parsing bytes: ArraySlice<UInt8>) throws(MediaParseError) {
        var reader = ByteReader(bytes)
        let first = try reader.readUInt8()
        let version = Int(first >> 6)
        guard version == 2 else { throw .unsupportedVersion(version) }
        let hasPadding = first & 0x20 != 0
        let hasExtension = first & 0x10 != 0
        let csrcCount = Int(first & 0x0F)
        let second = try reader.readUInt8()
        marker = second & 0x80 != 0
        payloadType = second & 0x7F
        sequenceNumber = try reader.readUInt16()
        timestamp = try reader.readUInt32()
        ssrc = try reader.readUInt32()
        var csrcs: [UInt32] = []
        csrcs.reserveCapacity(csrcCount)
        for _ in 0..<csrcCount { csrcs.append(try reader.readUInt32()) }
        self.csrcs = csrcs
        if hasExtension {
            let profile = try reader.readUInt16()
            let words = Int(try reader.readUInt16())
            headerExtension = RTPHeaderExtension(profile: profile, data: try reader.readBytes(words * 4))
        } else {
            headerExtension = nil
        }
        var body = reader.readRest()
        if hasPadding {
            guard let count = body.last, count > 0, Int(count) <= body.count else {
                throw .inconsistent("RTP padding count exceeds the packet")
            }
            body.removeLast(Int(count))
            paddingLength = count
        } else {
            paddingLength = 0
        }
        payload = body
    }

    /// The packet's wire bytes.
    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(Self.fixedHeaderSize + csrcs.count * 4 + payload.count + Int(paddingLength) + 4)
        var first: UInt8 = 2 << 6
        if paddingLength > 0 { first |= 0x20 }
        if headerExtension != nil { first |= 0x10 }
        first |= UInt8(csrcs.count & 0x0F)
        out.append(first)
        out.append((marker ? 0x80 : 0) | (payloadType & 0x7F))
        out.appendBigEndian(sequenceNumber)
        out.appendBigEndian(timestamp)
        out.appendBigEndian(ssrc)
        for csrc in csrcs.prefix(15) { out.appendBigEndian(csrc) }
        if let headerExtension {
            let padded = headerExtension.paddedData
            out.appendBigEndian(headerExtension.profile)
            out.appendBigEndian(UInt16(truncatingIfNeeded: padded.count / 4))
            out.append(contentsOf: padded)
        }
        out.append(contentsOf: payload)
        if paddingLength > 0 {
            out.append(contentsOf: repeatElement(0, count: Int(paddingLength) - 1))
            out.append(paddingLength)
        }
        return out
    }
}

/// An RTP header extension (RFC 3550 §5.3.1), carried through unread.
public struct RTPHeaderExtension: Sendable, Equatable {
    /// The profile-defined identifier (0xBEDE for RFC 8285 one-byte headers).
    public var profile: UInt16
    /// Extension data; padded with zeros to a multiple of 4 bytes on the wire.
    public var data: [UInt8]

    /// An extension with opaque `data`.
    public init(profile: UInt16, data: [UInt8]) {
        self.profile = profile
        self.data = data
    }

    var paddedData: [UInt8] {
        let limited = Array(data.prefix(Int(UInt16.max) * 4))
        let remainder = limited.count % 4
        return remainder == 0 ? limited : limited + repeatElement(0, count: 4 - remainder)
    }
}
