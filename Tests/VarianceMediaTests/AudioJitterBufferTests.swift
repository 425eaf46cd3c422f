import Testing
@testable import VarianceMedia

@Suite struct AudioJitterBufferTests {
    func packet(_ sequence: UInt16) -> RTPPacket {
        RTPPacket(payloadType: 111, sequenceNumber: sequence, timestamp: UInt32(sequence) &* 960, ssrc: 1, payload: [UInt8(truncatingIfNeeded: sequence)])
    }

    @Test func reordersAcrossWraparoundAfterThePlayoutDelay() {
        var buffer = AudioJitterBuffer(configuration: .init(playoutDelay: .milliseconds(40)))
        let order: [UInt16] = [0xFFFE, 0, 0xFFFF, 2, 1, 3]
        for sequence in order { #expect(buffer.insert(packet(sequence), now: .zero) == .buffered) }
        #expect(buffer.nextFrame(now: .milliseconds(20)) == .buffering)
        var played: [UInt16] = []
        var now = Duration.milliseconds(40)
        while case .packet(let next) = buffer.nextFrame(now: now) {
            played.append(next.sequenceNumber)
            now += .milliseconds(20)
        }
        #expect(played == [0xFFFE, 0xFFFF, 0, 1, 2, 3])
        #expect(buffer.nextFrame(now: now) == .underrun)
    }

    @Test func missingPacketsAreReportedWithTheNextForFEC() {
        var buffer = AudioJitterBuffer(configuration: .init(playoutDelay: .zero))
        for sequence: UInt16 in [10, 12, 13, 16] { _ = buffer.insert(packet(sequence), now: .zero) }
        var results: [AudioJitterBuffer.Playout] = []
        for tick in 0..<7 { results.append(buffer.nextFrame(now: .milliseconds(20 * tick))) }
        #expect(results == [
            .packet(packet(10)),
            .missing(sequenceNumber: 11, next: packet(12)),
            .packet(packet(12)),
            .packet(packet(13)),
            .missing(sequenceNumber: 14, next: nil),
            .missing(sequenceNumber: 15, next: packet(16)),
            .packet(packet(16)),
        ])
        #expect(buffer.statistics.missing == 3)
    }

    @Test func lateAndDuplicatePacketsAreDropped() {
        var buffer = AudioJitterBuffer(configuration: .init(playoutDelay: .zero))
        _ = buffer.insert(packet(5), now: .zero)
        #expect(buffer.insert(packet(5), now: .zero) == .duplicate)
        _ = buffer.nextFrame(now: .zero)
        #expect(buffer.insert(packet(4), now: .zero) == .late)
        #expect(buffer.insert(packet(5), now: .zero) == .late)
        #expect(buffer.statistics.late == 2 && buffer.statistics.duplicates == 1)
    }

    @Test func sizeIsBounded() {
        var buffer = AudioJitterBuffer(configuration: .init(playoutDelay: .seconds(10), capacity: 8))
        for sequence in 0..<100 { _ = buffer.insert(packet(UInt16(sequence)), now: .zero) }
        #expect(buffer.count == 8)
        #expect(buffer.statistics.overflowed == 92)
        // Playout resumes at the oldest packet kept.
        #expect(buffer.nextFrame(now: .seconds(10)) == .packet(packet(92)))
        // A jump far ahead moves the window too.
        _ = buffer.insert(packet(5_000), now: .seconds(10))
        #expect(buffer.count <= 8)
    }

    @Test func longGapsAreSkippedNotConcealedFrameByFrame() {
        var buffer = AudioJitterBuffer(configuration: .init(playoutDelay: .zero, maximumConcealedRun: 3))
        _ = buffer.insert(packet(1), now: .zero)
        #expect(buffer.nextFrame(now: .zero) == .packet(packet(1)))
        // An outage: nothing for a while, then the stream resumes 20 packets on.
        #expect(buffer.nextFrame(now: .milliseconds(20)) == .underrun)
        _ = buffer.insert(packet(22), now: .milliseconds(400))
        _ = buffer.insert(packet(23), now: .milliseconds(400))
        #expect(buffer.nextFrame(now: .milliseconds(400)) == .packet(packet(22)))
        #expect(buffer.nextFrame(now: .milliseconds(420)) == .packet(packet(23)))
        #expect(buffer.statistics.skipped == 20 && buffer.statistics.missing == 20)
        // A short gap is still reported packet by packet.
        _ = buffer.insert(packet(26), now: .milliseconds(440))
        #expect(buffer.nextFrame(now: .milliseconds(440)) == .missing(sequenceNumber: 24, next: nil))
    }
}
