import Testing
@testable import VarianceMedia

@Suite struct StatisticsTests {
    func packet(_ sequence: UInt16, timestamp: UInt32) -> RTPPacket {
        RTPPacket(payloadType: 111, sequenceNumber: sequence, timestamp: timestamp, ssrc: 7, payload: [UInt8](repeating: 0, count: 100))
    }

    @Test func steadyArrivalHasNoJitterOrLoss() {
        var statistics = ReceptionStatistics(ssrc: 7, clockRate: 48_000)
        for index in 0..<100 {
            statistics.record(packet(UInt16(truncatingIfNeeded: 65_500 + index), timestamp: UInt32(index * 960)), arrival: .milliseconds(1_000 + index * 20))
        }
        let block = statistics.makeReportBlock(now: .seconds(10))
        #expect(block.jitter == 0)
        #expect(block.fractionLost == 0 && block.cumulativeLost == 0)
        // 65500 + 99 wrapped once: cycles 1, highest 63.
        #expect(block.extendedHighestSequenceNumber == 0x0001_0000 | 63)
        #expect(statistics.bytesReceived == 10_000)
    }

    @Test func jitterFollowsRFC3550() {
        // Arrivals alternate on time and 10 ms late: |D| is 10 ms = 480 units at 48 kHz.
        var statistics = ReceptionStatistics(ssrc: 7, clockRate: 48_000)
        var expected = 0.0
        for index in 0..<400 {
            let offset = index % 2 == 0 ? 0 : 10
            statistics.record(packet(UInt16(index), timestamp: UInt32(index * 960)), arrival: .milliseconds(index * 20 + offset))
            if index > 0 { expected += (480 - expected) / 16 }
        }
        #expect(abs(statistics.jitter - expected) < 1e-6)
        #expect(abs(statistics.jitter - 480) < 1)
    }

    @Test func lossIsCumulativeAndFractional() {
        var statistics = ReceptionStatistics(ssrc: 7, clockRate: 48_000)
        // First interval: 100 expected, every 10th lost.
        for index in 0..<100 where index % 10 != 5 {
            statistics.record(packet(UInt16(index), timestamp: UInt32(index * 960)), arrival: .milliseconds(index * 20))
        }
        let first = statistics.makeReportBlock(now: .seconds(2))
        #expect(first.cumulativeLost == 10)
        #expect(first.fractionLost == UInt8(10 * 256 / 100))
        // Second interval: 100 expected, half lost.
        for index in 100..<200 where index % 2 == 0 {
            statistics.record(packet(UInt16(index), timestamp: UInt32(index * 960)), arrival: .milliseconds(index * 20))
        }
        let second = statistics.makeReportBlock(now: .seconds(4))
        #expect(second.cumulativeLost == 10 + 49)  // 198 is the highest seen, so 199 is not yet missing
        #expect(second.fractionLost == UInt8(49 * 256 / 99))
        // Duplicates make the interval's loss negative: reported as 0.
        statistics.record(packet(198, timestamp: 0), arrival: .seconds(5))
        statistics.record(packet(198, timestamp: 0), arrival: .seconds(5))
        #expect(statistics.makeReportBlock(now: .seconds(6)).fractionLost == 0)
    }

    @Test func roundTripTimeFromSenderAndReceiverReports() throws {
        // The sender sends an SR at NTP time T; the receiver holds it 250 ms, then reports;
        // the report arrives 400 ms after T: RTT is 150 ms.
        let sentAt = NTPTimestamp(sinceEpoch: .seconds(3_900_000_000))
        let report = RTCPSenderReport(ssrc: 7, ntpTimestamp: sentAt, rtpTimestamp: 0, packetCount: 0, octetCount: 0)
        var statistics = ReceptionStatistics(ssrc: 7, clockRate: 48_000)
        statistics.record(packet(1, timestamp: 0), arrival: .seconds(100))
        statistics.record(report, arrival: .seconds(100))
        let block = statistics.makeReportBlock(now: .seconds(100) + .milliseconds(250))
        #expect(block.lastSenderReport == sentAt.compact)
        #expect(block.delaySinceLastSenderReport == 16_384)
        let arrival = NTPTimestamp(sinceEpoch: .seconds(3_900_000_000) + .milliseconds(400))
        let rtt = try #require(RoundTripTime.measure(block, arrival: arrival))
        #expect(abs((rtt - .milliseconds(150)).seconds) < 0.001)
        // No SR echoed: no RTT.
        var noSR = block
        noSR.lastSenderReport = 0
        #expect(RoundTripTime.measure(noSR, arrival: arrival) == nil)
        // A DLSR larger than the elapsed time: refused.
        var forged = block
        forged.delaySinceLastSenderReport = 65_536 * 10
        #expect(RoundTripTime.measure(forged, arrival: arrival) == nil)
    }

    @Test func bitrateOverTheWindow() {
        var meter = BitrateMeter(window: .seconds(1))
        for index in 0..<100 { meter.record(bytes: 1_000, at: .milliseconds(index * 20)) }  // 2 s at 400 kbit/s
        #expect(meter.bitsPerSecond(now: .milliseconds(1_980)) == 400_000)
        #expect(meter.bitsPerSecond(now: .seconds(10)) == 0)
        var bounded = BitrateMeter(window: .seconds(100), maximumSamples: 10)
        for index in 0..<1_000 { bounded.record(bytes: 1, at: .milliseconds(index)) }
        #expect(bounded.bitsPerSecond(now: .seconds(1)) == 80.0 / 100)
    }

    @Test func lossBasedControllerReactsAndClamps() {
        var controller = LossBasedBitrateController(initial: 1_000_000, minimum: 100_000, maximum: 1_200_000)
        #expect(controller.update(lossFraction: 0.2) == 900_000)
        #expect(controller.update(lossFraction: 0.05) == 900_000)
        #expect(controller.update(lossFraction: 0.0) == 945_000)
        for _ in 0..<20 { controller.update(lossFraction: 0) }
        #expect(controller.bitrate == 1_200_000)
        for _ in 0..<40 { controller.update(lossFraction: 0.5) }
        #expect(controller.bitrate == 100_000)
        let block = RTCPReportBlock(ssrc: 1, fractionLost: 64, cumulativeLost: 0, extendedHighestSequenceNumber: 0, jitter: 0, lastSenderReport: 0, delaySinceLastSenderReport: 0)
        var fromBlock = LossBasedBitrateController(initial: 800_000, minimum: 0, maximum: 1_000_000)
        #expect(fromBlock.update(block) == 700_000)
        #expect(fromBlock.update(lossFraction: .nan) == 735_000)
    }
}

@Suite struct TransmissionStatisticsTests {
    @Test func senderReportCountsWhatWasSent() throws {
        var statistics = TransmissionStatistics(ssrc: 3)
        var packetizer = OpusPacketizer(ssrc: 3, initialSequenceNumber: 0, initialTimestamp: 1_000)
        for _ in 0..<10 { statistics.record(packetizer.packetize([UInt8](repeating: 1, count: 60))) }
        let report = statistics.makeSenderReport(now: NTPTimestamp(rawValue: 1 << 40), rtpTimestamp: 10_600)
        #expect(report.packetCount == 10 && report.octetCount == 600 && report.ssrc == 3)
        #expect(statistics.lastTimestamp == UInt32(1_000 + 9 * 960))
        let parsed = try RTCPCompoundPacket(parsing: RTCPCompoundPacket([.senderReport(report)]).serialized())
        #expect(parsed.packets == [.senderReport(report)])
    }
}

@Suite struct SequenceValidationTests {
    func packet(_ sequence: UInt16) -> RTPPacket {
        RTPPacket(payloadType: 96, sequenceNumber: sequence, timestamp: 0, ssrc: 1, payload: [0])
    }

    @Test func aLoneWildPacketIsIgnored() {
        var statistics = ReceptionStatistics(ssrc: 1, clockRate: 90_000)
        for sequence: UInt16 in 0..<10 { statistics.record(packet(sequence), arrival: .zero) }
        let wild = statistics.record(packet(30_000), arrival: .zero)
        let next = statistics.record(packet(10), arrival: .zero)
        #expect(!wild && next)
        #expect(statistics.cumulativeLost == 0 && statistics.expectedPackets == 11)
    }

    @Test func twoSequentialPacketsAfterAJumpRestartTheCount() {
        var statistics = ReceptionStatistics(ssrc: 1, clockRate: 90_000)
        for sequence: UInt16 in 0..<10 { statistics.record(packet(sequence), arrival: .zero) }
        let jump = statistics.record(packet(40_000), arrival: .zero)
        let confirmation = statistics.record(packet(40_001), arrival: .zero)
        #expect(!jump && confirmation)
        for sequence: UInt16 in 40_002..<40_010 { statistics.record(packet(sequence), arrival: .zero) }
        #expect(statistics.cumulativeLost == 0)
        #expect(statistics.expectedPackets == 9 && statistics.packetsReceived == 9)
        #expect(statistics.makeReportBlock(now: .zero).extendedHighestSequenceNumber == 40_009)
    }

    @Test func modestReorderingAndLossAreNotRestarts() {
        var statistics = ReceptionStatistics(ssrc: 1, clockRate: 90_000)
        var accepted: [Bool] = []
        for sequence: UInt16 in [0, 1, 2, 5, 4, 3, 2_000, 1_999] {
            accepted.append(statistics.record(packet(sequence), arrival: .zero))
        }
        #expect(accepted.allSatisfy { $0 })
        #expect(statistics.expectedPackets == 2_001 && statistics.cumulativeLost == 2_001 - 8)
    }
}
