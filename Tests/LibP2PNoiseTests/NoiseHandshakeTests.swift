import Crypto
import LibP2PCore
import Testing

@testable import LibP2PNoise

/// Two `NoiseHandshake`s passing bytes with no sockets.
struct NoiseHandshakeTests {
    @Test func handshakeCompletesAndTransportsBothWays() throws {
        var pair = HandshakePair()
        var (initiator, responder) = try pair.run()
        #expect(pair.initiator.isComplete && pair.responder.isComplete)
        #expect(pair.initiator.remotePeer == pair.responderPeer)
        #expect(pair.responder.remotePeer == pair.initiatorPeer)
        #expect(pair.initiator.localPeer == pair.initiatorPeer)
        #expect(pair.initiator.handshakeHash == pair.responder.handshakeHash)
        #expect(pair.initiator.remoteStreamMuxers == ["/yamux/1.0.0"])
        #expect(pair.responder.remoteStreamMuxers == ["/yamux/1.0.0"])

        for round in 0..<3 {
            let ping = Array("ping \(round)".utf8)
            #expect(try responder.decrypt(try initiator.encrypt(ping)) == ping)
            let pong = Array("pong \(round)".utf8)
            #expect(try initiator.decrypt(try responder.encrypt(pong)) == pong)
        }
    }

    @Test func messagesHaveTheExpectedShape() throws {
        var pair = HandshakePair()
        let message1 = try pair.initiator.start()
        #expect(message1.count == 2 + 32)  // e, empty payload in clear
        #expect(message1.prefix(2) == [0, 32])
        guard case .needMore(let message2) = try pair.responder.receive(message1) else {
            throw TestFailure.unexpectedStep
        }
        #expect(Int(message2[0]) << 8 | Int(message2[1]) == message2.count - 2)
        #expect(message2.count > 2 + 32 + 48 + 16)  // e, encrypted s, encrypted payload
    }

    @Test func byteByByteDelivery() throws {
        var pair = HandshakePair()
        let message1 = try pair.initiator.start()
        var message2: [UInt8] = []
        for (index, byte) in message1.enumerated() {
            guard case .needMore(let send) = try pair.responder.receive([byte]) else {
                throw TestFailure.unexpectedStep
            }
            #expect(send.isEmpty == (index < message1.count - 1))
            message2 += send
        }
        var message3: [UInt8] = []
        var initiatorSession: NoiseTransport?
        for byte in message2 {
            switch try pair.initiator.receive([byte]) {
            case .needMore(let send): #expect(send.isEmpty)
            case .complete(let send, let session, let peer, let remainder):
                #expect(peer == pair.responderPeer && remainder.isEmpty)
                message3 = send
                initiatorSession = session
            }
        }
        var responderSession: NoiseTransport?
        for byte in message3 {
            if case .complete(_, let session, let peer, _) = try pair.responder.receive([byte]) {
                #expect(peer == pair.initiatorPeer)
                responderSession = session
            }
        }
        var sender = try #require(initiatorSession)
        var receiver = try #require(responderSession)
        #expect(try receiver.decrypt(try sender.encrypt([1, 2, 3])) == [1, 2, 3])
    }

    @Test func bytesAfterTheLastHandshakeMessageAreReturned() throws {
        var pair = HandshakePair()
        guard case .needMore(let message2) = try pair.responder.receive(try pair.initiator.start()),
            case .complete(let message3, var initiatorSession, _, _) = try pair.initiator.receive(message2)
        else { throw TestFailure.unexpectedStep }
        let frame1 = try initiatorSession.encrypt(Array("/multistream/1.0.0\n".utf8))
        let frame2 = try initiatorSession.encrypt([7, 7, 7])

        // Message 3, one frame and half of the next arrive together.
        guard case .complete(let send, var session, _, let remainder) =
            try pair.responder.receive(message3 + frame1 + frame2.prefix(5))
        else { throw TestFailure.unexpectedStep }
        #expect(send.isEmpty)
        #expect(remainder == frame1 + frame2.prefix(5))
        #expect(try session.decrypt(remainder) == Array("/multistream/1.0.0\n".utf8))
        #expect(try session.decrypt(Array(frame2.dropFirst(5))) == [7, 7, 7])
    }

    @Test func initiatorReturnsBytesAfterMessageTwo() throws {
        var pair = HandshakePair()
        guard case .needMore(let message2) = try pair.responder.receive(try pair.initiator.start()) else {
            throw TestFailure.unexpectedStep
        }
        guard case .complete(_, _, _, let remainder) = try pair.initiator.receive(message2 + [1, 2, 3]) else {
            throw TestFailure.unexpectedStep
        }
        #expect(remainder == [1, 2, 3])
    }

    @Test func expectedPeerMatches() throws {
        var pair = HandshakePair(useExpectedResponder: true)
        _ = try pair.run()
        #expect(pair.initiator.expectedRemotePeer == pair.responderPeer)
    }

    @Test func wrongExpectedPeerFailsNamingBoth() throws {
        let dialled = PeerID.of(Curve25519.Signing.PrivateKey())
        var pair = HandshakePair(expectedRemotePeer: dialled)
        guard case .needMore(let message2) = try pair.responder.receive(try pair.initiator.start()) else {
            throw TestFailure.unexpectedStep
        }
        let error = try #require(noiseError { _ = try pair.initiator.receive(message2) })
        #expect(error.kind == .peerIDMismatch)
        #expect(error == .peerIDMismatch(expected: dialled, actual: pair.responderPeer))
        #expect(error.expectedPeer == dialled && error.actualPeer == pair.responderPeer)
        #expect(error.description.contains(dialled.description))
        #expect(error.description.contains(pair.responderPeer.description))
        // Refused before message 3 (our identity) is sent, and for good.
        #expect(noiseError { _ = try pair.initiator.receive([]) } == .unexpectedMessage)
    }

    @Test func everyTamperedByteOfMessageTwoFails() throws {
        var pair = HandshakePair()
        guard case .needMore(let message2) = try pair.responder.receive(try pair.initiator.start()) else {
            throw TestFailure.unexpectedStep
        }
        for index in 2..<message2.count {
            var tampered = message2
            tampered[index] ^= 0x01
            var initiator = pair.initiator
            let error = noiseError { _ = try initiator.receive(tampered) }
            #expect(error == .decryptFailed || error == .invalidPublicKey, "byte \(index)")
        }
    }

    @Test func everyTamperedByteOfMessageThreeFails() throws {
        var pair = HandshakePair()
        guard case .needMore(let message2) = try pair.responder.receive(try pair.initiator.start()),
            case .complete(let message3, _, _, _) = try pair.initiator.receive(message2)
        else { throw TestFailure.unexpectedStep }
        for index in 2..<message3.count {
            var tampered = message3
            tampered[index] ^= 0x80
            var responder = pair.responder
            #expect(noiseError { _ = try responder.receive(tampered) } == .decryptFailed, "byte \(index)")
        }
    }

    @Test func tamperedMessageOneFailsAtTheInitiator() throws {
        var pair = HandshakePair()
        var message1 = try pair.initiator.start()
        message1[10] ^= 0x04
        guard case .needMore(let message2) = try pair.responder.receive(message1) else {
            throw TestFailure.unexpectedStep
        }
        #expect(noiseError { _ = try pair.initiator.receive(message2) } == .decryptFailed)
    }

    @Test func callsOutOfOrderAreRefused() throws {
        var pair = HandshakePair()
        #expect(noiseError { _ = try pair.initiator.receive([0, 32]) } == .unexpectedMessage)
        _ = try pair.initiator.start()
        #expect(noiseError { _ = try pair.initiator.start() } == .unexpectedMessage)

        var completed = HandshakePair()
        _ = try completed.run()
        #expect(noiseError { _ = try completed.responder.receive([1]) } == .unexpectedMessage)
        #expect(noiseError { _ = try completed.initiator.receive([1]) } == .unexpectedMessage)
    }

    @Test func garbageIsAnErrorNotATrap() throws {
        var generator = SeededGenerator(state: 1)
        for length in [0, 1, 2, 3, 33, 34, 100, 500, 9000] {
            for role in [NoiseRole.responder, .initiator] {
                var handshake = NoiseHandshake(role: role, identity: Curve25519.Signing.PrivateKey())
                _ = try handshake.start()
                let garbage = generator.bytes(length)
                do {
                    if case .complete = try handshake.receive(garbage) { Issue.record("garbage completed") }
                } catch {
                    #expect(error.kind != .internalFailure)
                }
            }
        }
    }

    @Test func shortAndOversizedMessagesAreRefused() throws {
        var responder = NoiseHandshake(role: .responder, identity: Curve25519.Signing.PrivateKey())
        #expect(noiseError { _ = try responder.receive([0, 5, 1, 2, 3, 4, 5]) } == .malformedMessage)

        var oversized = NoiseHandshake(role: .responder, identity: Curve25519.Signing.PrivateKey())
        #expect(noiseError { _ = try oversized.receive([0xFF, 0xFF]) } == .frameTooLarge(length: 65_535))

        let limit = NoiseHandshake.maxHandshakeMessageLength
        var justOver = NoiseHandshake(role: .responder, identity: Curve25519.Signing.PrivateKey())
        let over = limit + 1
        #expect(noiseError { _ = try justOver.receive([UInt8(over >> 8), UInt8(over & 0xFF)]) }
            == .frameTooLarge(length: over))

        // A message of exactly the limit is buffered until complete.
        var atLimit = NoiseHandshake(role: .responder, identity: Curve25519.Signing.PrivateKey())
        guard case .needMore(let send) = try atLimit.receive([UInt8(limit >> 8), UInt8(limit & 0xFF), 0]) else {
            throw TestFailure.unexpectedStep
        }
        #expect(send.isEmpty)
    }

    /// An all-zero (low-order) ephemeral key gives an all-zero DH result: refused.
    @Test func lowOrderEphemeralIsRefused() {
        var responder = NoiseHandshake(role: .responder, identity: Curve25519.Signing.PrivateKey())
        let zeroPoint = [UInt8](repeating: 0, count: 32)
        #expect(noiseError { _ = try responder.receive([0, 32] + zeroPoint) } == .invalidPublicKey)
    }

    @Test func descriptionHasNoKeyMaterial() throws {
        var pair = HandshakePair()
        let (transport, _) = try pair.run()
        #expect(pair.initiator.description.contains(pair.responderPeer.description))
        #expect(!transport.description.isEmpty)
    }
}
