import Testing
@testable import VarianceOffline

@Suite struct OfflineFramingTests {
    @Test func decodesByteByByteAndSeveralPerBuffer() throws {
        let bodies: [[UInt8]] = [[], [1], Array(repeating: 7, count: 127), Array(repeating: 8, count: 128), Array(repeating: 9, count: 20_000)]
        let stream = bodies.flatMap(OfflineFraming.frame)
        var decoder = OfflineFrameDecoder(maxMessageBytes: 128 * 1024)
        var out: [[UInt8]] = []
        for byte in stream {
            decoder.append([byte])
            while let body = try decoder.next() { out.append(body) }
        }
        #expect(out == bodies)
        #expect(decoder.bufferedCount == 0)

        var whole = OfflineFrameDecoder(maxMessageBytes: 128 * 1024)
        whole.append(stream)
        var all: [[UInt8]] = []
        while let body = try whole.next() { all.append(body) }
        #expect(all == bodies)
    }

    @Test func prefixesAreMinimalUvarints() {
        #expect(OfflineFraming.frame([]) == [0])
        #expect(OfflineFraming.frame(Array(repeating: 0, count: 300)).prefix(2) == [0xAC, 0x02])
    }

    @Test func refusesOversizeAndNonMinimalPrefixes() throws {
        var over = OfflineFrameDecoder(maxMessageBytes: 1_000)
        over.append([0xE9, 0x07])  // 1,001
        #expect(throws: OfflineError.tooLarge("message")) { try over.next() }

        var early = OfflineFrameDecoder(maxMessageBytes: 100)
        early.append([0x80])  // a continuation byte already means ≥ 128
        #expect(throws: OfflineError.tooLarge("message")) { try early.next() }

        var endless = OfflineFrameDecoder(maxMessageBytes: Int.max)
        endless.append(Array(repeating: 0xFF, count: 12))
        #expect(throws: OfflineError.tooLarge("message")) { try endless.next() }

        var padded = OfflineFrameDecoder(maxMessageBytes: 1_000)
        padded.append([0x85, 0x00])
        #expect(throws: OfflineError.malformed("length prefix")) { try padded.next() }

        var waiting = OfflineFrameDecoder(maxMessageBytes: 1_000)
        waiting.append([0x05, 1, 2])
        #expect(try waiting.next() == nil)
    }

    @Test func garbageNeverTraps() {
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<2_000 {
            let bytes = (0..<Int.random(in: 0..<64, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            var decoder = OfflineFrameDecoder(maxMessageBytes: 4_096)
            decoder.append(bytes)
            while let body = try? decoder.next() { _ = body }
            OfflineServerSession.fuzz(bytes)
        }
    }
}
