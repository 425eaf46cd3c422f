import Foundation
import Testing
import VarianceMedia
import VarianceRPC

/// Calls between real engine processes on loopback: ICE (libnice), DTLS-SRTP, Opus and VP8,
/// signalling over the encrypted direct-message channel; the callee's sinks are files the
/// test reads back.
@Suite(.serialized) struct CallTests {
    @Test func aToneAndAPictureReachTheCallee() async throws {
        try await offThePool {
            let peers = try Circle.of(["alice", "bob"])
            defer { peers.forEach { $0.stop() } }
            let (alice, bob) = (peers[0], peers[1])
            let sinks = bob.directory.appendingPathComponent("sinks")
            try FileManager.default.createDirectory(at: sinks, withIntermediateDirectories: true)
            let wav = sinks.appendingPathComponent("in.wav").path
            let y4m = sinks.appendingPathComponent("in.y4m").path
            let started = try alice.call(
                "calls.start",
                ["peer": .string(bob.did), "video": true, "source": ["audio": "tone:440", "video": "pattern"]])
            let call = try #require(started["callId"]?.stringValue)
            try bob.waitUntil("call.incoming") { $0.callNotices("call.incoming", call).count == 1 }
            #expect(bob.callNotices("call.incoming", call).first?["from"]?.stringValue == alice.did)
            #expect(bob.callNotices("call.incoming", call).first?["video"]?.boolValue == true)
            try bob.call(
                "calls.accept",
                ["callId": .string(call), "source": ["audio": "tone:660"], "sink": ["audio": .string("file:\(wav)"), "video": .string("file:\(y4m)")]])
            for peer in [alice, bob] {
                try peer.waitUntil("active") { $0.callStates(call).contains("active") }
            }
            // 5 s of the tone and 150 frames of the picture (30 fps): wait on the callee's counters.
            try bob.waitUntilStats(call, "5 s of audio and 150 frames") { stats in
                (stats["audioFrames"]?.intValue ?? 0) >= 260 && (stats["videoFrames"]?.intValue ?? 0) >= 150
            }
            let stats = try alice.call("calls.stats", ["callId": .string(call)])
            #expect(stats["state"]?.stringValue == "active")
            #expect(stats["codecs"]?.arrayValue?.compactMap(\.stringValue) == ["opus/48000/2", "VP8/90000"])
            try alice.call("calls.hangup", ["callId": .string(call)])
            for peer in [alice, bob] {
                try peer.waitUntil("ended") { $0.callStates(call).contains("ended") }
                #expect(peer.callReasons(call) == ["hungUp"])
            }
            // The callee's sinks are closed when the call ends: the WAV holds the 440 Hz tone.
            let source = try WAVFileSource(path: wav)
            let samples = try #require(try source.read(frameCount: source.totalFrameCount)).samples
            #expect(samples.count >= 48_000 * 5)
            let steady = Array(samples.dropFirst(9_600))
            let frequency = try #require(AudioAnalysis.dominantFrequency(of: steady, sampleRate: 48_000))
            #expect(abs(frequency - 440) < 2, "dominant frequency \(frequency)")
            #expect(AudioAnalysis.nonSilentFraction(of: steady, sampleRate: 48_000) >= 0.95)
            let pictures = try Y4MFileSource(path: y4m)
            var frames = 0
            while try pictures.nextFrame() != nil { frames += 1 }
            #expect(frames >= 150)
            let list = try bob.call("calls.list")["calls"]?.arrayValue ?? []
            #expect(list.first?["direction"]?.stringValue == "incoming" && list.first?["reason"]?.stringValue == "hungUp")
        }
    }

    @Test func rejectBusyAndCancel() async throws {
        try await offThePool {
            let peers = try Circle.of(["alice", "bob", "carol"])
            defer { peers.forEach { $0.stop() } }
            let (alice, bob, carol) = (peers[0], peers[1], peers[2])
            try withLogsOnFailure(of: peers) {
                // Bob rejects.
                let first = try #require(try alice.call("calls.start", ["peer": .string(bob.did)])["callId"]?.stringValue)
                try bob.waitUntil("ringing") { $0.callNotices("call.incoming", first).count == 1 }
                try bob.call("calls.reject", ["callId": .string(first)])
                try alice.waitUntil("rejected") { $0.callReasons(first) == ["rejected"] }
                // Bob is in a call with carol: alice's call gets busy.
                let second = try #require(try carol.call("calls.start", ["peer": .string(bob.did)])["callId"]?.stringValue)
                try bob.waitUntil("carol rings") { $0.callNotices("call.incoming", second).count == 1 }
                try bob.call("calls.accept", ["callId": .string(second)])
                try carol.waitUntil("active") { $0.callStates(second).contains("active") }
                let third = try #require(try alice.call("calls.start", ["peer": .string(bob.did)])["callId"]?.stringValue)
                try alice.waitUntil("busy") { $0.callReasons(third) == ["busy"] }
                #expect(bob.callNotices("call.incoming", third).isEmpty)
                try bob.call("calls.hangup", ["callId": .string(second)])
                try carol.waitUntil("hung up") { $0.callReasons(second) == ["hungUp"] }
                // Alice cancels before bob answers.
                let fourth = try #require(try alice.call("calls.start", ["peer": .string(bob.did)])["callId"]?.stringValue)
                try bob.waitUntil("ringing") { $0.callNotices("call.incoming", fourth).count == 1 }
                try alice.call("calls.hangup", ["callId": .string(fourth)])
                try bob.waitUntil("cancelled") { $0.callReasons(fourth) == ["hungUp"] }
                // Errors.
                #expect(try bob.errorCode("calls.accept", ["callId": .string(fourth)]) == -32005)
                #expect(try bob.errorCode("calls.hangup", ["callId": "00000000000000000000000000000000"]) == -32002)
                #expect(try bob.errorCode("calls.start", ["peer": .string(alice.did), "source": ["audio": "microphone"]]) == -32602)
            }
        }
    }
}

/// Runs `body`; an error it throws comes back with the end of every peer's log (a signal one
/// peer waits for is sent, or not, by another).
func withLogsOnFailure(of peers: [Peer], _ body: () throws -> Void) throws {
    do { try body() } catch {
        let logs = peers.map { peer in
            let states = peer.notifications.filter { $0["method"]?.stringValue == "call.state" }.map(\.compactString)
            return "\n--- \(peer.name)'s call.state: \(states.joined(separator: " "))\n--- \(peer.name)'s stderr:\n"
                + peer.engine.standardError.suffix(4000)
        }
        throw DeliveryTestError(description: "\(error)\(logs.joined())")
    }
}

extension Peer {
    /// The params of `method` notifications for one call.
    func callNotices(_ method: String, _ call: String) -> [JSON] {
        notifications.compactMap { n in
            guard n["method"]?.stringValue == method, n["params"]?["callId"]?.stringValue == call else { return nil }
            return n["params"]
        }
    }

    func callStates(_ call: String) -> [String] { callNotices("call.state", call).compactMap { $0["state"]?.stringValue } }

    func callReasons(_ call: String) -> [String] { callNotices("call.state", call).compactMap { $0["reason"]?.stringValue } }

    /// Polls `calls.stats` until `condition` holds (the counters move with the media clock).
    func waitUntilStats(_ call: String, _ what: String, timeout: TimeInterval = 60, _ condition: (JSON) -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let stats = try self.call("calls.stats", ["callId": .string(call)])
            if condition(stats) { return }
            guard Date() < deadline else {
                throw DeliveryTestError(description: "\(name): no \(what) within \(Int(timeout)) s: \(stats.compactString)")
            }
            Thread.sleep(forTimeInterval: 0.25)
        }
    }
}

extension CallTests {
    /// Nobody answers: after `calls.ring_seconds` both sides end with `noAnswer`.
    @Test func anUnansweredCallEndsWithNoAnswer() async throws {
        try await offThePool {
            let peers = try Circle.of(["alice", "bob"]) { name in
                (nil, "/ip4/127.0.0.1/tcp/\(try freePort())")
            } configure: { directory in
                try "calls:\n  ring_seconds: 2\n".write(
                    to: directory.appendingPathComponent("config.yaml"), atomically: true, encoding: .utf8)
            }
            defer { peers.forEach { $0.stop() } }
            let (alice, bob) = (peers[0], peers[1])
            let call = try #require(try alice.call("calls.start", ["peer": .string(bob.did)])["callId"]?.stringValue)
            try bob.waitUntil("ringing") { $0.callNotices("call.incoming", call).count == 1 }
            for peer in [alice, bob] {
                try peer.waitUntil("no answer", timeout: 60) { $0.callReasons(call) == ["noAnswer"] }
            }
        }
    }
}

extension CallTests {
    /// Both sides relay-only through coturn on loopback, every candidate trickled (the offer
    /// and answer leave before gathering): the call carries the tone.
    @Test(.enabled(if: Coturn.installed, "coturn is not installed")) func aCallForcedThroughTURN() async throws {
        try await offThePool {
            let turn = try Coturn()
            defer { turn.stop() }
            let peers = try Circle.of(["alice", "bob"]) { _ in (nil, "/ip4/127.0.0.1/tcp/\(try freePort())") } configure: { directory in
                try (turn.mediaConfig(relayOnly: true) + "  host_addresses: [127.0.0.1]\ncalls:\n  candidate_window_ms: 0\n").write(
                    to: directory.appendingPathComponent("config.yaml"), atomically: true, encoding: .utf8)
            }
            defer { peers.forEach { $0.stop() } }
            try CallTests.talk(from: peers[0], to: peers[1], seconds: 2)
            #expect(turn.allocations >= 2 && turn.channelBindings >= 1, "coturn: \(turn.allocations) relays, \(turn.channelBindings) channels")
        }
    }

    /// alice and bob behind two NATs (network namespaces), coturn on the public side.
    @Test(.enabled(if: NetworkNamespaces.available && Coturn.installed, "needs root and coturn"))
    func aCallBetweenTwoNATsThroughTURN() async throws {
        try await offThePool {
            try NATWorld.run(holePunching: false) { world in
                let turn = try Coturn(host: "172.31.100.1", port: 3478, namespace: "pub\(world.suffix)")
                defer { turn.stop() }
                let (alice, bob) = try world.engines(extraConfig: turn.mediaConfig(relayOnly: true))
                defer { alice.stop(); bob.stop() }
                try world.introduce(alice, to: bob)
                try alice.call("messages.send", ["conversation": .string(bob.did), "text": "calling you"])
                try bob.waitUntil("alice's text") { $0.received(from: alice.did) == ["calling you"] }
                try CallTests.talk(from: alice, to: bob, seconds: 2)
                #expect(turn.allocations >= 2 && turn.channelBindings >= 1, "coturn: \(turn.allocations) relays, \(turn.channelBindings) channels")
            }
        }
    }

    /// alice calls bob with a 440 Hz tone; bob records `seconds` of it; alice hangs up.
    static func talk(from alice: Peer, to bob: Peer, seconds: Int) throws {
        let wav = bob.directory.appendingPathComponent("call-\(UUID().uuidString).wav").path
        let call = try #require(try alice.call("calls.start", ["peer": .string(bob.did)])["callId"]?.stringValue)
        try bob.waitUntil("call.incoming", timeout: 60) { $0.callNotices("call.incoming", call).count == 1 }
        try bob.call("calls.accept", ["callId": .string(call), "sink": ["audio": .string("file:\(wav)")]])
        try alice.waitUntil("active", timeout: 90) { $0.callStates(call).contains("active") }
        try bob.waitUntilStats(call, "\(seconds) s of audio") { ($0["audioFrames"]?.intValue ?? 0) >= seconds * 50 }
        try alice.call("calls.hangup", ["callId": .string(call)])
        try bob.waitUntil("ended") { $0.callStates(call).contains("ended") }
        let source = try WAVFileSource(path: wav)
        let samples = try #require(try source.read(frameCount: source.totalFrameCount)).samples
        let steady = Array(samples.dropFirst(9_600))
        let frequency = try #require(AudioAnalysis.dominantFrequency(of: steady, sampleRate: 48_000))
        #expect(abs(frequency - 440) < 2, "dominant frequency \(frequency)")
    }
}

extension CallTests {
    /// alice and bob behind two NATs with a STUN server (coturn) on the public side and no
    /// TURN: their host addresses cannot reach each other, so the call goes through the
    /// server-reflexive candidates the NATs map (Linux masquerade keeps UDP ports).
    @Test(.enabled(if: NetworkNamespaces.available && Coturn.installed, "needs root and coturn"))
    func aCallBetweenTwoNATsThroughServerReflexiveCandidates() async throws {
        try await offThePool {
            try NATWorld.run(holePunching: false) { world in
                let stun = try Coturn(host: "172.31.100.1", port: 3478, namespace: "pub\(world.suffix)")
                defer { stun.stop() }
                let (alice, bob) = try world.engines(extraConfig: "media:\n  stun: [\"stun:172.31.100.1:3478\"]\n")
                defer { alice.stop(); bob.stop() }
                try world.introduce(alice, to: bob)
                try alice.call("messages.send", ["conversation": .string(bob.did), "text": "calling you"])
                try bob.waitUntil("alice's text") { $0.received(from: alice.did) == ["calling you"] }
                try CallTests.talk(from: alice, to: bob, seconds: 2)
                #expect(stun.allocations == 0, "no TURN relay was used")
            }
        }
    }
}
