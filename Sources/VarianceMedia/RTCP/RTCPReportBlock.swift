/// Reception statistics about one source, carried in SR and RR packets (RFC 3550 §6.4.1).
public struct RTCPReportBlock: Sendable, Equatable {
    /// The source these statistics are about.
    public var ssrc: UInt32
    /// Fraction of packets lost since the previous report, in 1/256 units.
    public var fractionLost: UInt8
    /// Cumulative packets lost (a signed 24-bit field; negative with duplicates).
    public var cumulativeLost: Int32
    /// Extended highest sequence number received (cycles in the high 16 bits).
    public var extendedHighestSequenceNumber: UInt32
    /// Interarrival jitter in timestamp units.
    public var jitter: UInt32
    /// Middle 32 bits of the NTP timestamp of the last SR received from this source, or 0.
    public var lastSenderReport: UInt32
    /// Delay since that SR was received, in 1/65536 seconds.
    public var delaySinceLastSenderReport: UInt32

    /// A report block; `cumulativeLost` is clamped to 24 bits.
    public init(
        ssrc: UInt32, fractionLost: UInt8, cumulativeLost: Int32, extendedHighestSequenceNumber: UInt32,
        jitter: UInt32, lastSenderReport: UInt32, delaySinceLastSenderReport: UInt32
    ) {
        self.ssrc = ssrc
        self.fractionLost = fractionLost
        self.cumulativeLost = min(max(cumulativeLost, -0x80_0000), 0x7F_FFFF)
        self.extendedHighestSequenceNumber = extendedHighestSequenceNumber
        self.jitter = jitter
        self.lastSenderReport = lastSenderReport
        self.delaySinceLastSenderReport = delaySinceLastSenderReport
    }

    static let size = 24

    init(from reader: inout ByteReader) throws(MediaParseError) {
        ssrc = try reader.readUInt32()
        fractionLost = try reader.readUInt8()
        let raw = try reader.readUInt24()
        // Sign-extend the 24-bit field.
        cumulativeLost = Int32(bitPattern: raw << 8) >> 8
        extendedHighestSequenceNumber = try reader.readUInt32()
        jitter = try reader.readUInt32()
        lastSenderReport = try reader.readUInt32()
        delaySinceLastSenderReport = try reader.readUInt32()
    }

    func append(to out: inout [UInt8]) {
        out.appendBigEndian(ssrc)
        out.append(fractionLost)
        out.appendBigEndian24(UInt32(bitPattern: cumulativeLost) & 0xFF_FFFF)
        out.appendBigEndian(extendedHighestSequenceNumber)
        out.appendBigEndian(jitter)
        out.appendBigEndian(lastSenderReport)
        out.appendBigEndian(delaySinceLastSenderReport)
    }
}
