import LibP2PYamux
import Testing

struct YamuxHostileInputTests {
    @Test func inboundStreamLimitRefusesTheExcessWithRst() throws {
        var configuration = YamuxConfiguration()
        configuration.maxInboundStreams = 2
        var server = YamuxSession(role: .server, configuration: configuration)
        let events = server.receive(
            wire(
                .windowUpdate(1, flags: .syn, delta: 0), .windowUpdate(3, flags: .syn, delta: 0),
                .data(5, flags: .syn, [1, 2, 3]), .data(5, [4])))
        #expect(events == [.streamOpened(1), .streamOpened(3)])
        #expect(
            try decodeFrames(server.takeOutput()) == [
                .windowUpdate(1, flags: .ack, delta: 0), .windowUpdate(3, flags: .ack, delta: 0),
                .data(5, flags: .rst), .data(5, flags: .rst),
            ])
        // Once a stream ends there is room again.
        _ = server.receive(wire(.data(1, flags: .rst)))
        #expect(server.receive(wire(.windowUpdate(7, flags: .syn, delta: 0))) == [.streamOpened(7)])
        #expect(server.failure == nil)
    }

    @Test func outboundStreamLimitThrows() throws {
        var configuration = YamuxConfiguration()
        configuration.maxOutboundStreams = 1
        var client = YamuxSession(role: .client, configuration: configuration)
        let id = try client.openStream()
        #expect(throws: YamuxError.streamLimitReached) { try client.openStream() }
        client.reset(stream: id)
        #expect(try client.openStream() == 3)
    }

    @Test func streamFloodEndsBoundedAndTheSessionSurvives() throws {
        var configuration = YamuxConfiguration()
        configuration.maxInboundStreams = 16
        var server = YamuxSession(role: .server, configuration: configuration)
        var flood: [UInt8] = []
        for index in 0..<5_000 { flood += YamuxFrame.data(YamuxStreamID(UInt32(index * 2 + 1)), flags: .syn, [1]).encoded }
        let events = server.receive(flood)
        #expect(server.openStreamCount == 16)
        #expect(events.filter { if case .streamOpened = $0 { true } else { false } }.count == 16)
        #expect(server.failure == nil)
    }

    @Test func garbageNeverTraps() {
        for seed in 1...300 {
            let garbage = patternBytes(count: 64 + seed * 7, seed: UInt64(seed))
            var server = YamuxSession(role: .server)
            var sawError = false
            var offset = 0
            while offset < garbage.count {
                let end = min(offset + seed % 13 + 1, garbage.count)
                for event in server.receive(Array(garbage[offset..<end])) {
                    if case .protocolError = event { sawError = true }
                }
                offset = end
            }
            // Random bytes almost always carry a version other than 0 in the first header.
            if garbage[0] != 0 { #expect(sawError, "seed \(seed)") }
        }
    }

    @Test func mostlyValidGarbageNeverTraps() {
        // Headers with version 0 and valid types, random flags, ids and lengths.
        for seed in 1...300 {
            var bytes = patternBytes(count: 600, seed: UInt64(seed) + 1000)
            var index = 0
            while index + 12 <= bytes.count {
                bytes[index] = 0
                bytes[index + 1] %= 4
                bytes[index + 8] = 0
                bytes[index + 9] = 0
                bytes[index + 10] &= 0x01
                index += 12 + Int(bytes[index + 11] % 24)
            }
            YamuxSession.fuzz(bytes)
        }
    }

    @Test func fuzzEntryPointTakesAnything() {
        YamuxSession.fuzz([])
        YamuxSession.fuzz([0])
        YamuxSession.fuzz(Array(repeating: 0xFF, count: 100))
        YamuxSession.fuzz(Array(repeating: 0, count: 100))
        YamuxSession.fuzz(YamuxFrameHeader(type: .data, streamID: 1, length: .max).encoded)
        let valid = wire(
            .data(1, flags: .syn, [1, 2, 3]), .windowUpdate(1, delta: 10), .ping(flags: .syn, opaque: 1),
            .data(1, flags: .fin), .ping(flags: .ack, opaque: 2), .data(3, flags: .syn, [9]),
            .windowUpdate(3, flags: .rst, delta: 0), .data(2, flags: .ack, [7]), .goAway(.normal))
        for cut in 0...valid.count {
            YamuxSession.fuzz(Array(valid.prefix(cut)))
            var mutated = valid
            mutated[cut % valid.count] ^= 0x5A
            YamuxSession.fuzz(mutated)
        }
    }
}
