import Foundation
import Testing
import VarianceCallTransport

/// ICE + DTLS-SRTP + Opus against aiortc 1.16.0 (Tests/Interop/aiortc_peer.py), both ways round.
@Suite("Interop with aiortc", .serialized, .enabled(if: AiortcPeer.python != nil))
struct AiortcInteropTests {
    @Test("we offer, aiortc answers: tones flow both ways", arguments: SrtpProfile.allCases)
    func weOffer(profile: SrtpProfile) async throws {
        let peer = try AiortcPeer()
        defer { peer.stop() }
        let started = ContinuousClock.now
        let transport = try MediaTransport(ice: .loopback(controlling: true), srtpProfiles: [profile])
        let states = Watcher(transport.states)
        let packets = Watcher(transport.packets)
        let ssrc = UInt32.random(in: 1...UInt32.max)
        let local = try await transport.localParameters(setup: .actpass)
        let offer = SessionDescription.call(sessionID: 1, transport: local, audioSSRC: ssrc, cname: "variance")
        let reply = try await peer.call(.init(op: "answer", sdp: offer.sdp))
        let answer = try #require(SessionDescription(sdp: reply.sdp ?? ""))
        let remote = try #require(answer.transport)
        #expect(remote.setup == .active)
        let opus = try #require(answer.media.first?.codecs.first { $0.name == "opus" })
        #expect(opus.payloadType == 111)
        try await transport.start(remote: remote, localSetup: .actpass)

        #expect(await states.wait { $0.contains(.connected) })
        print("[measure] Swift offerer ↔ aiortc answerer: creation to connected \(ContinuousClock.now - started)")
        _ = try await peer.call(.init(op: "connected"))
        #expect(await transport.srtpProfile == profile)
        try await exchangeTones(transport: transport, packets: packets, peer: peer, payloadType: opus.payloadType, ssrc: ssrc)
        await transport.close()
        _ = try? await peer.call(.init(op: "close"))
    }

    @Test("we offer audio and VP8 video bundled: aiortc accepts both and audio flows")
    func weOfferAudioAndVideo() async throws {
        let peer = try AiortcPeer()
        defer { peer.stop() }
        let transport = try MediaTransport(ice: .loopback(controlling: true))
        let states = Watcher(transport.states)
        let packets = Watcher(transport.packets)
        let ssrc = UInt32.random(in: 1...UInt32.max)
        let local = try await transport.localParameters(setup: .actpass)
        let offer = SessionDescription.call(sessionID: 3, transport: local, audioSSRC: ssrc, videoSSRC: ssrc &+ 1, cname: "v")
        let reply = try await peer.call(.init(op: "answer", sdp: offer.sdp))
        let answer = try #require(SessionDescription(sdp: reply.sdp ?? ""))
        #expect(answer.bundle == ["0", "1"])
        #expect(answer.media.map(\.kind) == [.audio, .video])
        #expect(answer.media.last?.codecs.first?.name == "VP8")
        #expect(answer.media.last?.port != 0)
        try await transport.start(remote: try #require(answer.transport), localSetup: .actpass)
        #expect(await states.wait { $0.contains(.connected) })
        _ = try await peer.call(.init(op: "connected"))
        try await exchangeTones(transport: transport, packets: packets, peer: peer, payloadType: 111, ssrc: ssrc)
        await transport.close()
        _ = try? await peer.call(.init(op: "close"))
    }

    @Test("aiortc offers, we answer: tones flow both ways")
    func aiortcOffers() async throws {
        let peer = try AiortcPeer()
        defer { peer.stop() }
        let reply = try await peer.call(.init(op: "offer"))
        let offer = try #require(SessionDescription(sdp: reply.sdp ?? ""))
        let remote = try #require(offer.transport)
        #expect(remote.setup == .actpass)
        #expect(remote.fingerprint.algorithm == "sha-256")

        let started = ContinuousClock.now
        let transport = try MediaTransport(ice: .loopback(controlling: false))
        let states = Watcher(transport.states)
        let packets = Watcher(transport.packets)
        let ssrc = UInt32.random(in: 1...UInt32.max)
        let local = try await transport.localParameters(setup: remote.setup.answer())
        let answer = try #require(
            SessionDescription.answer(to: offer, sessionID: 2, transport: local, audioSSRC: ssrc, cname: "variance"))
        let opus = try #require(answer.media.first?.codecs.first)
        #expect(opus.name == "opus")
        _ = try await peer.call(.init(op: "accept", sdp: answer.sdp))
        try await transport.start(remote: remote, localSetup: local.setup)

        #expect(await states.wait { $0.contains(.connected) })
        print("[measure] aiortc offerer ↔ Swift answerer: our creation to connected \(ContinuousClock.now - started)")
        _ = try await peer.call(.init(op: "connected"))
        try await exchangeTones(transport: transport, packets: packets, peer: peer, payloadType: opus.payloadType, ssrc: ssrc)
        await transport.close()
        _ = try? await peer.call(.init(op: "close"))
    }

    /// Sends 2.5 s of a 440 Hz Opus tone while collecting aiortc's; both sides must hear 440 ± 2 Hz.
    func exchangeTones(
        transport: MediaTransport, packets: Watcher<MediaTransport.Packet>, peer: AiortcPeer, payloadType: UInt8,
        ssrc: UInt32
    ) async throws {
        let profile = await transport.srtpProfile
        print("[interop] SRTP profile \(String(describing: profile))")
        let sender = Task {
            let encoder = OpusToneEncoder()
            let clock = ContinuousClock()
            let start = clock.now
            for index in 0..<125 {
                let frame = encoder.nextFrame()
                var packet = rtpPacket(
                    payloadType: payloadType, sequence: UInt16(index), timestamp: UInt32(index) * 960, ssrc: ssrc,
                    payload: frame)
                if index == 0 { packet[1] |= 0x80 }
                try await transport.sendRTP(packet)
                try await Task.sleep(until: start + .milliseconds(20 * (index + 1)), clock: clock)
            }
        }
        // aiortc's frames: skip the first 10 (encoder start-up), decode the next second.
        let heardEnough = await packets.wait(timeout: .seconds(20)) { packets in
            packets.count { if case .rtp(let bytes) = $0, rtpPayload(bytes)?.payloadType == payloadType { true } else { false } } >= 60
        }
        #expect(heardEnough)
        let report = try await peer.call(.init(op: "frequency", seconds: 1.0))
        try await sender.value
        let theirs = try #require(report.frequency)
        print("[interop] aiortc heard \(theirs) Hz in \(report.frames ?? 0) frames")
        #expect(abs(theirs - 440) <= 2)

        let received = await packets.received.compactMap { packet -> (UInt16, [UInt8])? in
            guard case .rtp(let bytes) = packet, let parsed = rtpPayload(bytes), parsed.payloadType == payloadType
            else { return nil }
            return (parsed.sequence, parsed.payload)
        }
        let decoder = OpusDecoder()
        var pcm: [Int16] = []
        for (_, payload) in received.dropFirst(10).prefix(50) {  // arrival order: loopback keeps it
            pcm += decoder.decode(payload)
        }
        #expect(pcm.count >= 48_000)
        let ours = dominantFrequency(Array(pcm.prefix(48_000)))
        print("[interop] we heard \(ours) Hz from \(received.count) aiortc packets")
        #expect(abs(ours - 440) <= 2)
    }
}
