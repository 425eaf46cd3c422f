import Testing
import VarianceCallTransport

@Suite("MediaTransport on loopback")
struct MediaTransportTests {
    @Test("two transports connect and exchange SRTP-protected RTP and RTCP both ways")
    func loopbackExchange() async throws {
        let pair = try await TransportPair.start(offerer: .loopback(controlling: true), answerer: .loopback(controlling: false))
        let offererUp = await pair.offererStates.wait { $0.contains(.connected) }
        let answererUp = await pair.answererStates.wait { $0.contains(.connected) }
        #expect(offererUp && answererUp)
        let profile = await pair.offerer.srtpProfile
        #expect(profile == .aeadAes256Gcm)
        #expect(await pair.answerer.srtpProfile == profile)

        for sequence in 0..<20 {
            let payload = Array("offerer \(sequence)".utf8)
            try await pair.offerer.sendRTP(
                rtpPacket(payloadType: 111, sequence: UInt16(sequence), timestamp: UInt32(sequence) * 960, ssrc: 0x1111, payload: payload))
            try await pair.answerer.sendRTP(
                rtpPacket(payloadType: 111, sequence: UInt16(sequence), timestamp: UInt32(sequence) * 960, ssrc: 0x2222, payload: Array("answerer \(sequence)".utf8)))
        }
        try await pair.offerer.sendRTCP(rtcpReceiverReport(ssrc: 0x1111))
        try await pair.answerer.sendRTCP(rtcpReceiverReport(ssrc: 0x2222))

        let answererGotAll = await pair.answererPackets.wait { packets in
            packets.filter { if case .rtp = $0 { true } else { false } }.count == 20
                && packets.contains(.rtcp(rtcpReceiverReport(ssrc: 0x1111)))
        }
        let offererGotAll = await pair.offererPackets.wait { packets in
            packets.filter { if case .rtp = $0 { true } else { false } }.count == 20
                && packets.contains(.rtcp(rtcpReceiverReport(ssrc: 0x2222)))
        }
        #expect(answererGotAll && offererGotAll)
        let first = rtpPacket(payloadType: 111, sequence: 0, timestamp: 0, ssrc: 0x1111, payload: Array("offerer 0".utf8))
        #expect(await pair.answererPackets.received.contains(.rtp(first)))
        await pair.offerer.close()
        #expect(await pair.offererStates.wait { $0.last == .closed })
        // The answerer hears close_notify and closes too.
        #expect(await pair.answererStates.wait { $0.last == .closed })
        #expect(await pair.answerer.closedByPeer)
        #expect(await pair.answerer.failure == nil)
        await pair.answerer.close()
    }

    @Test("a certificate that does not match the signalled fingerprint fails the call")
    func fingerprintMismatch() async throws {
        let stranger = try DtlsIdentity()
        let pair = try await TransportPair.start(
            offerer: .loopback(controlling: true), answerer: .loopback(controlling: false),
            tamper: { offer in
                var changed = offer
                changed.fingerprint.value = stranger.fingerprint
                return changed
            })
        #expect(await pair.answererStates.wait { $0.contains(.failed) })
        #expect(await pair.answerer.failure == .dtls(.fingerprintMismatch))
        #expect(await pair.offererStates.wait { $0.contains(.failed) })
        #expect(await !pair.answererStates.received.contains(.connected))
        #expect(await !pair.offererStates.received.contains(.connected))
        await pair.close()
    }

    @Test("when ICE connects but DTLS never starts, the deadline fails the call")
    func handshakeDeadline() async throws {
        // Both sides take the DTLS server role, so nobody sends a ClientHello.
        let offerer = try MediaTransport(ice: .loopback(controlling: true), handshakeTimeout: .milliseconds(500))
        let answerer = try MediaTransport(ice: .loopback(controlling: false), handshakeTimeout: .milliseconds(500))
        let offererStates = Watcher(offerer.states)
        let offer = try await offerer.localParameters(setup: .actpass)
        var answer = try await answerer.localParameters(setup: .passive)
        try await answerer.start(remote: offer, localSetup: .passive)
        answer.setup = .active  // what the offerer is told, wrongly
        try await offerer.start(remote: answer, localSetup: .actpass)
        #expect(await offererStates.wait { $0.contains(.failed) })
        #expect(await offerer.failure == .dtls(.handshake))
        #expect(await offererStates.received.first == .new)
        await offerer.close()
        await answerer.close()
    }

    @Test("connecting and closing many times neither hangs nor leaks a failure", .timeLimit(.minutes(2)))
    func repeatedCalls() async throws {
        for round in 0..<25 {
            let pair = try await TransportPair.start(offerer: .loopback(controlling: true), answerer: .loopback(controlling: false))
            let up = await pair.offererStates.wait { $0.contains(.connected) }
            let upToo = await pair.answererStates.wait { $0.contains(.connected) }
            #expect(up && upToo, "round \(round)")
            try await pair.offerer.sendRTP(rtpPacket(payloadType: 111, sequence: 1, timestamp: 0, ssrc: 1, payload: [0]))
            // Close while packets may still be in flight.
            await pair.close()
        }
    }
}
