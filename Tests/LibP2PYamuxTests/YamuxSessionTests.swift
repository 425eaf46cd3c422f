import LibP2PYamux
import Testing

struct YamuxSessionTests {
    @Test func clientOpensOddServerOpensEvenIDs() throws {
        var client = YamuxSession(role: .client)
        var server = YamuxSession(role: .server)
        #expect(try client.openStream() == 1)
        #expect(try client.openStream() == 3)
        #expect(try server.openStream() == 2)
        #expect(try server.openStream() == 4)
    }

    @Test func openStreamSendsSynOnAWindowUpdate() throws {
        var client = YamuxSession(role: .client)
        let id = try client.openStream()
        #expect(try decodeFrames(client.takeOutput()) == [.windowUpdate(id, flags: .syn, delta: 0)])
    }

    @Test func openAcceptEcho() throws {
        var pair = SessionPair()
        let id = try pair.client.openStream()
        try pair.client.write(stream: id, data: Array("hello yamux".utf8))
        pair.pump(server: echoApplication)
        #expect(pair.serverEvents.first == .streamOpened(id))
        #expect(receivedData(pair.serverEvents)[id] == Array("hello yamux".utf8))
        #expect(pair.clientEvents.first == .streamAccepted(id))
        #expect(receivedData(pair.clientEvents)[id] == Array("hello yamux".utf8))
    }

    @Test func halfCloseFromClientThenServer() throws {
        var pair = SessionPair()
        let id = try pair.client.openStream()
        try pair.client.write(stream: id, data: [1, 2, 3])
        try pair.client.closeWrite(stream: id)
        pair.pump()
        #expect(pair.serverEvents == [.streamOpened(id), .data(id, [1, 2, 3]), .remoteClosedWrite(id)])
        #expect(throws: YamuxError.writeClosed) { try pair.client.write(stream: id, data: [4]) }
        // The server can still answer on its open half.
        try pair.server.write(stream: id, data: [9, 9])
        try pair.server.closeWrite(stream: id)
        pair.pump()
        #expect(pair.serverEvents.last == .streamClosed(id))
        #expect(pair.clientEvents == [.streamAccepted(id), .data(id, [9, 9]), .remoteClosedWrite(id), .streamClosed(id)])
        #expect(pair.client.openStreamCount == 0 && pair.server.openStreamCount == 0)
    }

    @Test func halfCloseFromServerFirst() throws {
        var pair = SessionPair()
        let id = try pair.client.openStream()
        pair.pump()
        try pair.server.write(stream: id, data: [7])
        try pair.server.closeWrite(stream: id)
        pair.pump()
        #expect(pair.clientEvents.suffix(2) == [.data(id, [7]), .remoteClosedWrite(id)])
        try pair.client.write(stream: id, data: [8])
        try pair.client.closeWrite(stream: id)
        pair.pump()
        #expect(pair.clientEvents.last == .streamClosed(id))
        #expect(pair.serverEvents.suffix(3) == [.data(id, [8]), .remoteClosedWrite(id), .streamClosed(id)])
        #expect(!pair.client.isOpen(id) && !pair.server.isOpen(id))
    }

    @Test func closingTwiceIsHarmless() throws {
        var pair = SessionPair()
        let id = try pair.client.openStream()
        try pair.client.closeWrite(stream: id)
        try pair.client.closeWrite(stream: id)
        pair.pump()
        #expect(pair.serverEvents == [.streamOpened(id), .remoteClosedWrite(id)])
    }

    @Test func resetFromEitherSide() throws {
        var pair = SessionPair()
        let first = try pair.client.openStream()
        let second = try pair.client.openStream()
        pair.pump()
        pair.client.reset(stream: first)
        pair.server.reset(stream: second)
        pair.pump()
        #expect(pair.serverEvents.last == .streamReset(first))
        #expect(pair.clientEvents.last == .streamReset(second))
        #expect(pair.client.openStreamCount == 0 && pair.server.openStreamCount == 0)
        #expect(throws: YamuxError.unknownStream) { try pair.client.write(stream: first, data: [1]) }
        #expect(pair.client.failure == nil && pair.server.failure == nil)
    }

    @Test func resetDropsQueuedData() throws {
        var pair = SessionPair()
        let id = try pair.client.openStream()
        try pair.client.write(stream: id, data: patternBytes(count: 300_000, seed: 1))
        #expect(pair.client.queuedBytes(of: id) == 300_000 - 262_144)
        pair.client.reset(stream: id)
        #expect(pair.client.queuedBytes(of: id) == 0)
        pair.pump()
        #expect(pair.serverEvents.last == .streamReset(id))
    }

    @Test func pingPong() {
        var pair = SessionPair()
        pair.client.ping(opaque: 0xDEAD_BEEF)
        pair.server.ping(opaque: 7)
        pair.pump()
        #expect(pair.serverEvents == [.pingReceived(opaque: 0xDEAD_BEEF), .pong(opaque: 7)])
        #expect(pair.clientEvents == [.pingReceived(opaque: 7), .pong(opaque: 0xDEAD_BEEF)])
        #expect(pair.client.openStreamCount == 0 && pair.server.openStreamCount == 0)
    }

    @Test func goAwayStopsNewStreamsButNotOpenOnes() throws {
        var pair = SessionPair()
        let id = try pair.client.openStream()
        pair.pump()
        pair.server.goAway(code: .normal)
        pair.pump()
        #expect(pair.clientEvents.last == .goAwayReceived(.normal))
        #expect(pair.client.remoteGoAway == .normal)
        #expect(throws: YamuxError.goingAway) { try pair.client.openStream() }
        #expect(throws: YamuxError.goingAway) { try pair.server.openStream() }
        // The open stream keeps working.
        try pair.client.write(stream: id, data: [1, 2])
        pair.pump(server: echoApplication)
        #expect(receivedData(pair.clientEvents)[id] == [1, 2])
    }

    @Test func afterSendingGoAwayInboundSynsAreRefused() throws {
        var server = YamuxSession(role: .server)
        server.goAway(code: .normal)
        _ = server.takeOutput()
        let events = server.receive(wire(.windowUpdate(1, flags: .syn, delta: 0)))
        #expect(events.isEmpty)
        #expect(try decodeFrames(server.takeOutput()) == [.data(1, flags: .rst)])
    }

    @Test func everythingByteByByte() throws {
        var pair = SessionPair(chunkSize: 1)
        let a = try pair.client.openStream()
        let b = try pair.client.openStream()
        let payloadA = patternBytes(count: 40_000, seed: 2)
        let payloadB = patternBytes(count: 3_000, seed: 3)
        try pair.client.write(stream: a, data: payloadA)
        try pair.client.write(stream: b, data: payloadB)
        try pair.client.closeWrite(stream: b)
        pair.client.ping(opaque: 42)
        pair.pump(server: echoApplication)
        try pair.client.closeWrite(stream: a)
        pair.server.goAway(code: .normal)
        pair.pump(server: echoApplication)
        let echoed = receivedData(pair.clientEvents)
        #expect(echoed[a] == payloadA)
        #expect(echoed[b] == payloadB)
        #expect(pair.clientEvents.contains(.pong(opaque: 42)))
        #expect(pair.clientEvents.contains(.streamClosed(a)) && pair.clientEvents.contains(.streamClosed(b)))
        #expect(pair.clientEvents.contains(.goAwayReceived(.normal)))
        #expect(pair.serverEvents.contains(.streamClosed(a)) && pair.serverEvents.contains(.streamClosed(b)))
        #expect(pair.client.failure == nil && pair.server.failure == nil)
    }
}
