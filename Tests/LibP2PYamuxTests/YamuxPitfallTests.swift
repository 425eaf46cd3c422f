import LibP2PYamux
import Testing

/// The yamux pitfalls from LIBP2P-PITFALLS.md and other implementations' bug trackers,
/// each sent to a session as raw frames.
struct YamuxPitfallTests {
    /// A server session that has accepted stream 1 (and sent its ACK).
    private func serverWithStream1() throws -> YamuxSession {
        var server = YamuxSession(role: .server)
        #expect(server.receive(wire(.windowUpdate(1, flags: .syn, delta: 0))) == [.streamOpened(1)])
        #expect(try decodeFrames(server.takeOutput()) == [.windowUpdate(1, flags: .ack, delta: 0)])
        return server
    }

    @Test func synOnWindowUpdateOpensAStream() throws {
        _ = try serverWithStream1()
    }

    @Test func synOnDataOpensAStreamAndDeliversTheData() throws {
        var server = YamuxSession(role: .server)
        #expect(server.receive(wire(.data(1, flags: .syn, [1, 2, 3]))) == [.streamOpened(1), .data(1, [1, 2, 3])])
    }

    @Test func synWithWindowIncrementGrowsTheSendWindow() throws {
        var server = YamuxSession(role: .server)
        _ = server.receive(wire(.windowUpdate(1, flags: .syn, delta: 1000)))
        #expect(server.sendCapacity(of: 1) == 262_144 + 1000)
    }

    @Test func ackOnWindowUpdateOrDataAcceptsOurStream() throws {
        var client = YamuxSession(role: .client)
        let a = try client.openStream()
        let b = try client.openStream()
        #expect(client.receive(wire(.windowUpdate(a, flags: .ack, delta: 0))) == [.streamAccepted(a)])
        #expect(client.receive(wire(.data(b, flags: .ack, [5]))) == [.streamAccepted(b), .data(b, [5])])
        // A second ACK is not a second acceptance.
        #expect(client.receive(wire(.windowUpdate(a, flags: .ack, delta: 0))) == [])
    }

    @Test func finOnWindowUpdateHalfCloses() throws {
        var server = try serverWithStream1()
        #expect(server.receive(wire(.windowUpdate(1, flags: .fin, delta: 0))) == [.remoteClosedWrite(1)])
        try server.closeWrite(stream: 1)
        #expect(server.takeEvents() == [.streamClosed(1)])
    }

    @Test func rstOnWindowUpdateResets() throws {
        var server = try serverWithStream1()
        #expect(server.receive(wire(.windowUpdate(1, flags: .rst, delta: 0))) == [.streamReset(1)])
        #expect(!server.isOpen(1))
        #expect(!server.hasPendingOutput)
    }

    @Test func synAckFinAllOnOneFrame() throws {
        var server = YamuxSession(role: .server)
        let events = server.receive(wire(.data(1, flags: [.syn, .fin], [4])))
        #expect(events == [.streamOpened(1), .data(1, [4]), .remoteClosedWrite(1)])
    }

    @Test func windowUpdateAfterOurFinIsIgnored() throws {
        var server = try serverWithStream1()
        try server.closeWrite(stream: 1)
        #expect(try decodeFrames(server.takeOutput()) == [.data(1, flags: .fin)])
        #expect(server.receive(wire(.windowUpdate(1, delta: 65_536))) == [])
        #expect(server.failure == nil)
        #expect(!server.hasPendingOutput)
        // The stream still reads.
        #expect(server.receive(wire(.data(1, [1]))) == [.data(1, [1])])
    }

    @Test func windowUpdateAfterTheStreamIsGoneIsIgnored() throws {
        var server = try serverWithStream1()
        _ = server.receive(wire(.data(1, flags: .fin)))
        try server.closeWrite(stream: 1)
        _ = server.takeOutput()
        #expect(server.takeEvents() == [.streamClosed(1)])
        #expect(server.receive(wire(.windowUpdate(1, delta: 4096), .windowUpdate(9, delta: 1))) == [])
        #expect(server.failure == nil)
        #expect(!server.hasPendingOutput)
    }

    @Test func pingRequestIsAnsweredAndOpensNothing() throws {
        var server = YamuxSession(role: .server)
        // SYN on a Ping, even with a stream id, is a ping request, not a stream.
        let frame = YamuxFrame(header: YamuxFrameHeader(type: .ping, flags: .syn, streamID: 1, length: 77))
        #expect(server.receive(frame.encoded) == [.pingReceived(opaque: 77)])
        #expect(try decodeFrames(server.takeOutput()) == [.ping(flags: .ack, opaque: 77)])
        #expect(server.openStreamCount == 0)
    }

    @Test func pingReplyOpensNothingAndIsNotAnswered() throws {
        var client = YamuxSession(role: .client)
        #expect(client.receive(wire(.ping(flags: .ack, opaque: 5))) == [.pong(opaque: 5)])
        #expect(client.openStreamCount == 0)
        #expect(!client.hasPendingOutput)
    }

    @Test func dataBeyondTheWindowIsAProtocolError() throws {
        var server = try serverWithStream1()
        _ = server.receive(wire(.data(1, patternBytes(count: 262_000, seed: 1))))
        let events = server.receive(wire(.data(1, patternBytes(count: 145, seed: 2))))
        #expect(events == [.protocolError(.windowExceeded(1))])
        #expect(try decodeFrames(server.takeOutput()) == [.goAway(.protocolError)])
        #expect(server.failure == .windowExceeded(1))
    }

    @Test func windowViolationIsCaughtOnTheHeaderBeforeThePayload() throws {
        var server = try serverWithStream1()
        let header = YamuxFrameHeader(type: .data, streamID: 1, length: 262_145)
        #expect(server.receive(header.encoded) == [.protocolError(.windowExceeded(1))])
        // A new stream's SYN may not carry more than the default window either.
        var other = YamuxSession(role: .server)
        let syn = YamuxFrameHeader(type: .data, flags: .syn, streamID: 1, length: 262_145)
        #expect(other.receive(syn.encoded) == [.protocolError(.windowExceeded(1))])
    }

    @Test func dataForAnUnknownStreamIsResetNotFatal() throws {
        var server = YamuxSession(role: .server)
        #expect(server.receive(wire(.data(5, [1, 2, 3]), .data(6, []))) == [])
        #expect(try decodeFrames(server.takeOutput()) == [.data(5, flags: .rst), .data(6, flags: .rst)])
        // The session goes on.
        #expect(server.receive(wire(.windowUpdate(7, flags: .syn, delta: 0))) == [.streamOpened(7)])
    }

    @Test func dataForAClosedStreamIsReset() throws {
        var server = try serverWithStream1()
        server.reset(stream: 1)
        _ = server.takeOutput()
        #expect(server.receive(wire(.data(1, [9]))) == [])
        #expect(try decodeFrames(server.takeOutput()) == [.data(1, flags: .rst)])
        #expect(server.failure == nil)
    }

    @Test func rstForAnUnknownStreamIsNotAnswered() throws {
        var server = YamuxSession(role: .server)
        #expect(server.receive(wire(.data(5, flags: .rst, [1, 2]), .windowUpdate(7, flags: .rst, delta: 0))) == [])
        #expect(!server.hasPendingOutput)
    }

    @Test func dataAfterThePeersFinResetsTheStream() throws {
        var server = try serverWithStream1()
        _ = server.receive(wire(.data(1, flags: .fin)))
        #expect(server.receive(wire(.data(1, [1]))) == [.streamReset(1)])
        #expect(try decodeFrames(server.takeOutput()) == [.data(1, flags: .rst)])
        #expect(server.failure == nil)
    }

    @Test func synWithTheWrongParityIsAProtocolError() {
        var server = YamuxSession(role: .server)
        #expect(server.receive(wire(.windowUpdate(2, flags: .syn, delta: 0))) == [.protocolError(.invalidStreamID(2))])
        var client = YamuxSession(role: .client)
        #expect(client.receive(wire(.data(3, flags: .syn, [1]))) == [.protocolError(.invalidStreamID(3))])
    }

    @Test func synForStreamZeroIsAProtocolError() {
        var server = YamuxSession(role: .server)
        #expect(server.receive(wire(.windowUpdate(0, flags: .syn, delta: 0))) == [.protocolError(.invalidStreamID(0))])
        var other = YamuxSession(role: .server)
        #expect(other.receive(wire(.data(0, [1]))) == [.protocolError(.invalidStreamID(0))])
    }

    @Test func synReusingAnOpenStreamIsAProtocolError() throws {
        var server = try serverWithStream1()
        #expect(server.receive(wire(.data(1, flags: .syn, [1]))) == [.protocolError(.streamIDReused(1))])
    }

    @Test func synReusingAClosedStreamIsAProtocolError() throws {
        var server = try serverWithStream1()
        _ = server.receive(wire(.windowUpdate(1, flags: .rst, delta: 0)))
        #expect(server.receive(wire(.windowUpdate(1, flags: .syn, delta: 0))) == [.protocolError(.streamIDReused(1))])
    }

    @Test func reuseIsCaughtLongAfterTheStreamClosed() throws {
        // The history of closed ids is bounded; ids below the forgotten ones still count as used.
        var server = YamuxSession(role: .server)
        for index in 0..<5_000 {
            let id = YamuxStreamID(UInt32(index * 2 + 1))
            _ = server.receive(wire(.windowUpdate(id, flags: .syn, delta: 0), .data(id, flags: .rst)))
        }
        #expect(server.failure == nil && server.openStreamCount == 0)
        #expect(server.receive(wire(.windowUpdate(1, flags: .syn, delta: 0))) == [.protocolError(.streamIDReused(1))])
    }

    @Test func sessionAcceptsRawBufferInput() throws {
        var server = YamuxSession(role: .server)
        let events = wire(.data(1, flags: .syn, [1, 2])).withUnsafeBytes { server.receive($0) }
        #expect(events == [.streamOpened(1), .data(1, [1, 2])])
    }

    @Test func synsMayArriveSlightlyOutOfOrder() throws {
        // go-yamux sends SYNs after releasing its id lock: 3 may overtake 1.
        var server = YamuxSession(role: .server)
        let events = server.receive(wire(.windowUpdate(3, flags: .syn, delta: 0), .windowUpdate(1, flags: .syn, delta: 0)))
        #expect(events == [.streamOpened(3), .streamOpened(1)])
    }

    @Test func frameLongerThanTheMaximumIsAProtocolError() {
        var configuration = YamuxConfiguration()
        configuration.maxWindow = 1 << 20
        var server = YamuxSession(role: .server, configuration: configuration)
        let header = YamuxFrameHeader(type: .data, streamID: 9, length: (1 << 20) + 1)
        #expect(server.receive(header.encoded) == [.protocolError(.frameTooLarge((1 << 20) + 1))])
    }

    @Test func hugeLengthOnAnUnknownStreamIsSkippedWithoutBuffering() throws {
        var server = YamuxSession(role: .server)
        // 16 MiB announced for a stream we do not know: refused with RST, then skipped.
        let length = 16 * 1024 * 1024
        #expect(server.receive(YamuxFrameHeader(type: .data, streamID: 5, length: UInt32(length)).encoded) == [])
        #expect(try decodeFrames(server.takeOutput()) == [.data(5, flags: .rst)])
        let chunk = [UInt8](repeating: 0xAB, count: 1 << 20)
        for _ in 0..<16 { #expect(server.receive(chunk) == []) }
        // The next frame is read normally.
        #expect(server.receive(wire(.windowUpdate(7, flags: .syn, delta: 0))) == [.streamOpened(7)])
    }

    @Test func afterAProtocolErrorInputIsIgnoredAndCallsAreRefused() throws {
        var server = try serverWithStream1()
        _ = server.receive([0x07])  // start of a header with version 7
        #expect(server.receive(Array(repeating: 0, count: 11)) == [.protocolError(.unsupportedVersion(7))])
        #expect(server.receive(wire(.windowUpdate(3, flags: .syn, delta: 0))) == [])
        #expect(throws: YamuxError.sessionFailed) { try server.openStream() }
        #expect(throws: YamuxError.sessionFailed) { try server.write(stream: 1, data: [1]) }
        #expect(server.openStreamCount == 0)
        #expect(try decodeFrames(server.takeOutput()) == [.goAway(.protocolError)])
    }
}
