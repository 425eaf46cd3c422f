import LibP2PYamux
import Testing

struct YamuxFlowControlTests {
    /// 10 MB over one stream. The sender writes only while the stream is writable; the
    /// receiver reads in bursts, so the sender's window runs dry and it must wait.
    @Test(arguments: [false, true])
    func tenMegabytesWithBackPressure(autoTune: Bool) throws {
        var configuration = YamuxConfiguration()
        configuration.autoTuneWindow = autoTune
        configuration.maxWindow = 1 << 20
        var pair = SessionPair(client: configuration, server: configuration)
        let payload = patternBytes(count: 10 * 1024 * 1024, seed: 10)
        let id = try pair.client.openStream()
        var sent = 0
        var received: [UInt8] = []
        received.reserveCapacity(payload.count)
        var unconsumed = 0
        var stalls = 0
        var largestBurst = 0
        var rounds = 0
        // The receiving application collects data but reads it only when told to below.
        let reader: SessionPair.Application = { _, event in
            if case .data(_, let bytes) = event {
                received += bytes
                unconsumed += bytes.count
            }
        }

        while received.count < payload.count {
            rounds += 1
            try #require(rounds < 1_000, "no progress: sent \(sent), received \(received.count)")
            // The application writes 64 KiB at a time while nothing is queued.
            while sent < payload.count, pair.client.queuedBytes(of: id) == 0 {
                let end = min(sent + 65_536, payload.count)
                try pair.client.write(stream: id, data: Array(payload[sent..<end]))
                sent = end
            }
            pair.pump(server: reader)
            // The reader has not read yet: the peer must have stopped at the window.
            largestBurst = max(largestBurst, unconsumed)
            #expect(unconsumed <= Int(autoTune ? configuration.maxWindow : 262_144))
            if sent < payload.count || pair.client.queuedBytes(of: id) > 0 {
                #expect(pair.client.sendCapacity(of: id) == 0)
                stalls += 1
            }
            // The reader reads everything at once; the window reopens.
            pair.server.consumed(stream: id, bytes: unconsumed)
            unconsumed = 0
            pair.pump(server: reader)
        }
        #expect(received == payload)
        #expect(stalls > 10)
        let resumed = pair.clientEvents.filter { if case .windowAvailable(id) = $0 { true } else { false } }
        #expect(resumed.count >= stalls - 1)
        if autoTune {
            #expect(largestBurst == Int(configuration.maxWindow))
        } else {
            #expect(largestBurst == 262_144)
        }
        #expect(pair.client.failure == nil && pair.server.failure == nil)
    }

    @Test func windowUpdateOnlyOnceHalfTheWindowIsConsumed() throws {
        var pair = SessionPair()
        let id = try pair.client.openStream()
        try pair.client.write(stream: id, data: patternBytes(count: 262_144, seed: 4))
        pair.pump()
        #expect(pair.client.sendCapacity(of: id) == 0)
        pair.server.consumed(stream: id, bytes: 102_400)
        #expect(!pair.server.hasPendingOutput)
        pair.server.consumed(stream: id, bytes: 30_720)
        #expect(try decodeFrames(pair.server.takeOutput()) == [.windowUpdate(id, delta: 133_120)])
    }

    @Test func writeBeyondWindowIsQueuedAndReleasedByWindowUpdate() throws {
        var client = YamuxSession(role: .client)
        let id = try client.openStream()
        _ = client.takeOutput()
        #expect(try client.write(stream: id, data: patternBytes(count: 300_000, seed: 5)) == 262_144)
        #expect(client.queuedBytes(of: id) == 300_000 - 262_144)
        #expect(client.sendCapacity(of: id) == 0)
        let dataBytes = try decodeFrames(client.takeOutput()).reduce(0) { $0 + $1.payload.count }
        #expect(dataBytes == 262_144)

        let events = client.receive(wire(.windowUpdate(id, flags: .ack, delta: 100_000)))
        #expect(events == [.streamAccepted(id), .windowAvailable(id)])
        let frames = try decodeFrames(client.takeOutput())
        #expect(frames.reduce(0) { $0 + $1.payload.count } == 300_000 - 262_144)
        #expect(frames.allSatisfy { $0.payload.count <= 16_384 })
        #expect(client.sendCapacity(of: id) == 100_000 - (300_000 - 262_144))
    }

    @Test func finWaitsForQueuedData() throws {
        var client = YamuxSession(role: .client)
        let id = try client.openStream()
        _ = client.takeOutput()
        try client.write(stream: id, data: patternBytes(count: 262_144 + 10, seed: 6))
        try client.closeWrite(stream: id)
        let before = try decodeFrames(client.takeOutput())
        #expect(!before.contains { $0.header.flags.contains(.fin) })
        _ = client.receive(wire(.windowUpdate(id, delta: 1000)))
        // The last ten bytes carry the FIN.
        #expect(try decodeFrames(client.takeOutput()) == [.data(id, flags: .fin, patternBytes(count: 262_154, seed: 6).suffix(10).map { $0 })])
    }

    @Test func largerInitialWindowIsAnnouncedWithSynAndAck() throws {
        var configuration = YamuxConfiguration()
        configuration.initialWindow = 1 << 20
        var pair = SessionPair(client: configuration, server: configuration)
        let id = try pair.client.openStream()
        let syn = pair.client.takeOutput()
        #expect(try decodeFrames(syn) == [.windowUpdate(id, flags: .syn, delta: (1 << 20) - 262_144)])
        _ = pair.server.receive(syn)
        #expect(try decodeFrames(pair.server.takeOutput()) == [.windowUpdate(id, flags: .ack, delta: (1 << 20) - 262_144)])
        #expect(pair.server.sendCapacity(of: id) == 1 << 20)
    }

    @Test func initialWindowBelowTheSpecDefaultIsRaised() {
        var configuration = YamuxConfiguration()
        configuration.initialWindow = 256_000
        #expect(YamuxSession(role: .client, configuration: configuration).configuration.initialWindow == 262_144)
    }

    @Test func sendBufferLimitRefusesWholeWrite() throws {
        var configuration = YamuxConfiguration()
        configuration.maxBufferedBytesPerStream = 1000
        var client = YamuxSession(role: .client, configuration: configuration)
        let id = try client.openStream()
        try client.write(stream: id, data: patternBytes(count: 262_144 + 1000, seed: 7))
        #expect(client.queuedBytes(of: id) == 1000)
        #expect(throws: YamuxError.sendBufferFull) { try client.write(stream: id, data: [1]) }
        #expect(client.queuedBytes(of: id) == 1000)
    }

    @Test func noWindowUpdatesAfterThePeersFin() throws {
        var pair = SessionPair()
        let id = try pair.client.openStream()
        try pair.client.write(stream: id, data: patternBytes(count: 200_000, seed: 8))
        try pair.client.closeWrite(stream: id)
        pair.pump()
        pair.server.consumed(stream: id, bytes: 200_000)
        #expect(!pair.server.hasPendingOutput)
    }
}
