/// What a receiver knows about one incoming RTP stream, and the report block it sends back
/// about it (RFC 3550 §6.4.1, appendices A.3 and A.8).
///
/// Time is passed in as `Duration` since any fixed origin; the same origin must be used for
/// every call.
public struct ReceptionStatistics: Sendable {
    /// The source these statistics are about.
    public let ssrc: UInt32
    /// The payload's RTP clock rate (48000 for Opus, 90000 for video).
    public let clockRate: Int

    private var unwrapper = SequenceNumberUnwrapper()
    private var baseSequence: Int64?
    private var highestSequence: Int64 = 0
    /// Packets received, duplicates included (RFC 3550 counts them so).
    public private(set) var packetsReceived = 0
    /// Payload bytes received (or the `size` passed in).
    public private(set) var bytesReceived = 0
    private var expectedPrior: Int64 = 0
    private var receivedPrior = 0
    private var lastTransit: Double?
    /// Interarrival jitter in RTP timestamp units, unrounded.
    public private(set) var jitter = 0.0
    private var lastSenderReport: (compact: UInt32, arrival: Duration)?

    /// Statistics for the stream `ssrc` with the payload's `clockRate`.
    public init(ssrc: UInt32, clockRate: Int) {
        self.ssrc = ssrc
        self.clockRate = max(clockRate, 1)
    }

    /// A forward jump of this many sequence numbers or more is not taken as loss
    /// (RFC 3550 §A.1, MAX_DROPOUT).
    public static let maximumDropout = 3_000
    /// A packet this many sequence numbers or more behind the highest is not taken as
    /// reordering (MAX_MISORDER).
    public static let maximumMisorder = 100
    /// The sequence number that, arriving next, confirms a jump as a sender restart.
    private var restartCandidate: UInt16?

    /// Records one received packet. Returns false, and ignores the packet, when its sequence
    /// number jumps too far from the stream's (RFC 3550 §A.1); if the next packet follows on
    /// from the jump, the sender restarted and the loss count starts over from there.
    @discardableResult
    public mutating func record(_ packet: RTPPacket, arrival: Duration, size: Int? = nil) -> Bool {
        if baseSequence != nil {
            let delta = SequenceNumber.distance(from: UInt16(truncatingIfNeeded: highestSequence), to: packet.sequenceNumber)
            if delta >= Self.maximumDropout || delta <= -Self.maximumMisorder {
                guard restartCandidate == packet.sequenceNumber else {
                    restartCandidate = packet.sequenceNumber &+ 1
                    return false
                }
                unwrapper = SequenceNumberUnwrapper()
                baseSequence = nil
                packetsReceived = 0
                expectedPrior = 0
                receivedPrior = 0
            }
        }
        restartCandidate = nil
        let sequence = unwrapper.unwrap(packet.sequenceNumber)
        if baseSequence == nil {
            baseSequence = sequence
            highestSequence = sequence
        }
        highestSequence = max(highestSequence, sequence)
        packetsReceived += 1
        bytesReceived += size ?? packet.payload.count

        // A.8: transit time in RTP units; jitter follows |D| with gain 1/16.
        let arrivalUnits = arrival.seconds * Double(clockRate)
        let transit = arrivalUnits - Double(packet.timestamp)
        if let lastTransit {
            var difference = abs(transit - lastTransit)
            // The RTP timestamp wrapped between the two packets.
            if difference > 2_147_483_648 { difference = abs(difference - 4_294_967_296) }
            jitter += (difference - jitter) / 16
        }
        lastTransit = transit
        return true
    }

    /// Records a sender report from this source, for LSR/DLSR in the next report block.
    public mutating func record(_ report: RTCPSenderReport, arrival: Duration) {
        lastSenderReport = (report.ntpTimestamp.compact, arrival)
    }

    /// Packets expected from the first to the highest sequence number seen.
    public var expectedPackets: Int64 {
        guard let baseSequence else { return 0 }
        return highestSequence - baseSequence + 1
    }

    /// Packets lost since the start: expected minus received (negative with duplicates).
    public var cumulativeLost: Int64 { expectedPackets - Int64(packetsReceived) }

    /// Extended highest sequence number, as reported (cycles in the high 16 bits).
    public var extendedHighestSequenceNumber: UInt32 {
        // The unwrapper starts one cycle up so that early reordering cannot go negative.
        UInt32(truncatingIfNeeded: max(highestSequence - 0x1_0000, 0))
    }

    /// Builds the report block for the next RR or SR and starts a new reporting interval
    /// (the fraction lost covers the packets since the previous call).
    public mutating func makeReportBlock(now: Duration) -> RTCPReportBlock {
        let expected = expectedPackets
        let expectedInterval = expected - expectedPrior
        let receivedInterval = Int64(packetsReceived - receivedPrior)
        expectedPrior = expected
        receivedPrior = packetsReceived
        let lostInterval = expectedInterval - receivedInterval
        let fraction: UInt8 =
            expectedInterval <= 0 || lostInterval <= 0 ? 0 : UInt8(min((lostInterval << 8) / expectedInterval, 255))
        var lastSR: UInt32 = 0
        var delay: UInt32 = 0
        if let lastSenderReport {
            lastSR = lastSenderReport.compact
            delay = UInt32(clamping: Int64(((now - lastSenderReport.arrival).seconds * 65_536).rounded()))
        }
        return RTCPReportBlock(
            ssrc: ssrc, fractionLost: fraction, cumulativeLost: Int32(clamping: cumulativeLost),
            extendedHighestSequenceNumber: extendedHighestSequenceNumber, jitter: UInt32(jitter.rounded()),
            lastSenderReport: lastSR, delaySinceLastSenderReport: delay)
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
