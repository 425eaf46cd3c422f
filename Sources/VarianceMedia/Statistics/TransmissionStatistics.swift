/// What a sender counts about its own RTP stream, for its sender reports (RFC 3550 §6.4.1).
public struct TransmissionStatistics: Sendable, Equatable {
    /// The sender's own source.
    public let ssrc: UInt32
    /// Packets sent since the start (wraps at 2^32 as on the wire).
    public private(set) var packetCount: UInt32 = 0
    /// Payload octets sent since the start, headers and padding excluded (wraps at 2^32).
    public private(set) var octetCount: UInt32 = 0
    /// The RTP timestamp of the last packet sent.
    public private(set) var lastTimestamp: UInt32?

    /// Nothing sent yet.
    public init(ssrc: UInt32) {
        self.ssrc = ssrc
    }

    /// Counts one packet sent.
    public mutating func record(_ packet: RTPPacket) {
        packetCount &+= 1
        octetCount &+= UInt32(truncatingIfNeeded: packet.payload.count)
        lastTimestamp = packet.timestamp
    }

    /// A sender report for wallclock time `now`, whose RTP timestamp `rtpTimestamp` is the
    /// same instant in the media clock, with reception `reportBlocks` about the streams this
    /// side receives.
    public func makeSenderReport(now: NTPTimestamp, rtpTimestamp: UInt32, reportBlocks: [RTCPReportBlock] = []) -> RTCPSenderReport {
        RTCPSenderReport(
            ssrc: ssrc, ntpTimestamp: now, rtpTimestamp: rtpTimestamp, packetCount: packetCount, octetCount: octetCount,
            reportBlocks: reportBlocks)
    }
}
