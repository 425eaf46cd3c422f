/// A sender report, SR (RFC 3550 §6.4.1).
public struct RTCPSenderReport: Sendable, Equatable {
    /// The sender's own source.
    public var ssrc: UInt32
    /// Wallclock time when the report was sent, as a 64-bit NTP timestamp.
    public var ntpTimestamp: NTPTimestamp
    /// The same instant in the RTP clock of this sender.
    public var rtpTimestamp: UInt32
    /// Packets sent since the start.
    public var packetCount: UInt32
    /// Payload octets sent since the start.
    public var octetCount: UInt32
    /// At most 31 report blocks.
    public var reportBlocks: [RTCPReportBlock]

    /// An SR (at most 31 blocks kept).
    public init(
        ssrc: UInt32, ntpTimestamp: NTPTimestamp, rtpTimestamp: UInt32, packetCount: UInt32, octetCount: UInt32,
        reportBlocks: [RTCPReportBlock] = []
    ) {
        self.ssrc = ssrc
        self.ntpTimestamp = ntpTimestamp
        self.rtpTimestamp = rtpTimestamp
        self.packetCount = packetCount
        self.octetCount = octetCount
        self.reportBlocks = Array(reportBlocks.prefix(31))
    }

    init(parsingBody body: ArraySlice<UInt8>, reportCount: Int) throws(MediaParseError) {
        var reader = ByteReader(body)
        ssrc = try reader.readUInt32()
        ntpTimestamp = NTPTimestamp(rawValue: try reader.readUInt64())
        rtpTimestamp = try reader.readUInt32()
        packetCount = try reader.readUInt32()
        octetCount = try reader.readUInt32()
        var blocks: [RTCPReportBlock] = []
        for _ in 0..<reportCount { blocks.append(try RTCPReportBlock(from: &reader)) }
        reportBlocks = blocks
        // Profile-specific extensions may follow; they are ignored.
    }

    func body() -> [UInt8] {
        var out: [UInt8] = []
        out.appendBigEndian(ssrc)
        out.appendBigEndian(ntpTimestamp.rawValue)
        out.appendBigEndian(rtpTimestamp)
        out.appendBigEndian(packetCount)
        out.appendBigEndian(octetCount)
        for block in reportBlocks.prefix(31) { block.append(to: &out) }
        return out
    }
}
