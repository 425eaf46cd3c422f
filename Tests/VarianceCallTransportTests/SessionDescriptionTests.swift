import Testing
import VarianceCallTransport

@Suite("SessionDescription")
struct SessionDescriptionTests {
    /// An offer as aiortc 1.16.0 writes it (trimmed fingerprints).
    static let aiortcOffer = """
        v=0\r
        o=- 4004771801 4004771801 IN IP4 0.0.0.0\r
        s=-\r
        t=0 0\r
        a=group:BUNDLE 0\r
        a=msid-semantic:WMS *\r
        m=audio 60069 UDP/TLS/RTP/SAVPF 96 9 0 8\r
        c=IN IP4 127.0.0.1\r
        a=sendrecv\r
        a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid\r
        a=mid:0\r
        a=rtcp:9 IN IP4 0.0.0.0\r
        a=rtcp-mux\r
        a=ssrc:258313274 cname:5b1b94fd\r
        a=rtpmap:96 opus/48000/2\r
        a=rtpmap:9 G722/8000\r
        a=rtpmap:0 PCMU/8000\r
        a=rtpmap:8 PCMA/8000\r
        a=candidate:16572de626da4e5384a0ce2d0d93678a 1 udp 2130706431 127.0.0.1 60069 typ host\r
        a=end-of-candidates\r
        a=ice-ufrag:BoTS\r
        a=ice-pwd:Fbw3H5aCULKC2PGLJazhkc\r
        a=fingerprint:sha-256 68:8A:99:DF\r
        a=fingerprint:sha-384 0E:78:B8:73\r
        a=setup:actpass\r

        """

    @Test("parses aiortc's offer")
    func parsesAiortc() throws {
        let offer = try #require(SessionDescription(sdp: Self.aiortcOffer))
        #expect(offer.bundle == ["0"])
        let audio = try #require(offer.media.first)
        #expect(audio.kind == .audio && audio.rtcpMux && audio.mid == "0" && audio.ssrc == 258_313_274)
        #expect(audio.codecs.map(\.payloadType) == [96, 9, 0, 8])
        #expect(audio.codecs.first == RtpCodec(payloadType: 96, name: "opus", clockRate: 48_000, channels: 2))
        let transport = try #require(offer.transport)
        #expect(transport.iceUsernameFragment == "BoTS" && transport.icePassword == "Fbw3H5aCULKC2PGLJazhkc")
        #expect(transport.fingerprint == .init(algorithm: "sha-256", value: "68:8A:99:DF"))
        #expect(transport.setup == .actpass)
        #expect(transport.candidates.count == 1)
    }

    @Test("our description round-trips, with audio and video bundled")
    func roundTrip() throws {
        let candidate = try #require(IceCandidate(sdp: "candidate:1 1 udp 2130706431 127.0.0.1 50000 typ host"))
        let transport = TransportParameters(
            iceUsernameFragment: "abcd", icePassword: "0123456789abcdef012345", fingerprint: .init(value: "AB:CD"),
            setup: .actpass, candidates: [candidate])
        let description = SessionDescription.call(sessionID: 42, transport: transport, audioSSRC: 1, videoSSRC: 2, cname: "c")
        let parsed = try #require(SessionDescription(sdp: description.sdp))
        #expect(parsed.bundle == ["0", "1"])
        #expect(parsed.media.map(\.kind) == [.audio, .video])
        #expect(parsed.media[0].codecs == [.opus])
        #expect(parsed.media[1].codecs == [.vp8])
        #expect(parsed.media[1].ssrc == 2 && parsed.media[1].cname == "c")
        #expect(parsed.transport == transport)
    }

    @Test("an answer takes the offer's payload type and flips direction")
    func answer() throws {
        let offer = try #require(SessionDescription(sdp: Self.aiortcOffer.replacingOccurrences(of: "a=sendrecv", with: "a=sendonly")))
        let transport = TransportParameters(
            iceUsernameFragment: "abcd", icePassword: "0123456789abcdef012345", fingerprint: .init(value: "AB:CD"),
            setup: .active, candidates: [])
        let answer = try #require(SessionDescription.answer(to: offer, sessionID: 1, transport: transport, audioSSRC: 5, cname: "c"))
        #expect(answer.media.first?.codecs == [RtpCodec(payloadType: 96, name: "opus", clockRate: 48_000, channels: 2)])
        #expect(answer.media.first?.direction == .recvonly)
        #expect(answer.bundle == ["0"])
        #expect(SessionDescription(sdp: answer.sdp)?.transport?.setup == .active)
    }

    @Test("garbage never traps")
    func garbage() {
        #expect(SessionDescription(sdp: "") == nil)
        #expect(SessionDescription(sdp: "v=0\r\n") == nil)
        #expect(SessionDescription(sdp: "hello") == nil)
        let lines = Self.aiortcOffer.split(separator: "\n")
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            // Shuffled, truncated and mutated lines of a real offer.
            var picked = lines.shuffled(using: &generator).prefix(Int.random(in: 0...lines.count, using: &generator)).map(String.init)
            if !picked.isEmpty {
                let index = Int.random(in: 0..<picked.count, using: &generator)
                let cut = Int.random(in: 0...picked[index].count, using: &generator)
                picked[index] = String(picked[index].prefix(cut)) + ":\u{0}9999999999999999999 x"
            }
            _ = SessionDescription(sdp: "v=0\n" + picked.joined(separator: "\n"))
        }
        for _ in 0..<500 {
            let bytes = (0..<Int.random(in: 0..<300, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            _ = SessionDescription(sdp: "v=0\nm=audio " + String(decoding: bytes, as: UTF8.self))
        }
    }
}
