import Testing
import VarianceCallTransport

@Suite("IceCandidate SDP syntax")
struct IceCandidateTests {
    @Test("host, srflx and relay lines survive a round trip")
    func roundTrip() throws {
        let lines = [
            "candidate:1 1 udp 2130706431 127.0.0.1 50000 typ host",
            "candidate:16572de626da4e5384a0ce2d0d93678a 1 udp 2130706431 127.0.0.1 60069 typ host generation 0",
            "candidate:2 1 udp 1694498815 203.0.113.7 40000 typ srflx raddr 10.0.0.2 rport 50000",
            "candidate:3 1 udp 16777215 198.51.100.1 49152 typ relay raddr 203.0.113.7 rport 40000",
        ]
        for line in lines {
            let candidate = try #require(IceCandidate(sdp: line))
            #expect(candidate.sdpAttribute == line)
            #expect(IceCandidate(sdp: "a=" + line + "\r\n") == candidate)
        }
        let relay = try #require(IceCandidate(sdp: lines[3]))
        #expect(relay.kind == .relayed && relay.relatedPort == 40000 && relay.priority == 16_777_215)
    }

    @Test("garbage gives nil, never a trap")
    func garbage() {
        let inputs = [
            "", "candidate:", "candidate:1 1 udp", "candidate:1 x udp 1 1.2.3.4 5 typ host",
            "candidate:1 1 udp 99999999999 1.2.3.4 5 typ host", "candidate:1 1 udp 1 1.2.3.4 70000 typ host",
            "candidate:1 1 udp 1 1.2.3.4 5 type host", "candidate:1 1 udp 1 1.2.3.4 5 typ bogus",
            "candidate:1 1 udp 1 1.2.3.4 5 typ srflx rport x", String(repeating: "candidate:", count: 1000),
            "candidate:1 0 udp 1 1.2.3.4 5 typ host",
        ]
        for input in inputs { #expect(IceCandidate(sdp: input) == nil, "\(input.prefix(40))") }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let length = Int.random(in: 0..<80, using: &generator)
            let bytes = (0..<length).map { _ in UInt8.random(in: 0x20...0x7E, using: &generator) }
            _ = IceCandidate(sdp: "candidate:" + String(decoding: bytes, as: UTF8.self))
        }
    }

    @Test("server URLs")
    func serverURLs() {
        #expect(IceConfiguration.StunServer(url: "stun:stun.example.org:19302") == .init(host: "stun.example.org", port: 19302))
        #expect(IceConfiguration.StunServer(url: "stun:[2001:db8::1]:3478")?.host == "2001:db8::1")
        #expect(IceConfiguration.StunServer(url: "stun:example.org")?.port == 3478)
        #expect(IceConfiguration.StunServer(url: "turn:example.org") == nil)
        #expect(IceConfiguration.StunServer(url: "stun:example.org:0") == nil)
        #expect(IceConfiguration.TurnServer(url: "turn:127.0.0.1:3478?transport=udp", username: "u", credential: "p")?.port == 3478)
        #expect(IceConfiguration.TurnServer(url: "turn:127.0.0.1:3478?transport=tcp", username: "u", credential: "p") == nil)
        #expect(IceConfiguration.TurnServer(url: "turns:127.0.0.1", username: "u", credential: "p") == nil)
    }
}
