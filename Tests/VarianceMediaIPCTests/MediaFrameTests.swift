import Foundation
import Testing
import VarianceMediaIPC
import VarianceProtos

/// The pipe's framing and messages, both ways: whole, byte by byte, several frames per read,
/// truncated, oversized, garbage and unknown kinds.
@Suite struct MediaFrameTests {
    static func start() -> Variance_MediaCommand {
        var start = Variance_MediaStart()
        start.stunServers = ["stun:127.0.0.1:3478"]
        var turn = Variance_MediaTurnServer()
        turn.url = "turn:127.0.0.1:3478"
        turn.username = "alice"
        turn.credential = "secret"
        start.turnServers = [turn]
        start.controlling = true
        start.dtlsSetup = "actpass"
        start.audio = true
        start.video = true
        start.audioSink = "file:/tmp/a.wav"
        start.candidateWindowMs = 150
        var command = Variance_MediaCommand()
        command.body = .start(start)
        return command
    }

    static func local() -> Variance_MediaReport {
        var local = Variance_MediaLocalParameters()
        local.iceUsernameFragment = "abcd"
        local.icePassword = String(repeating: "p", count: 22)
        local.dtlsFingerprintSha256 = Data(repeating: 0xAB, count: 32)
        local.sdp = "v=0\r\n"
        local.candidates = ["candidate:1 1 UDP 2015363327 127.0.0.1 40000 typ host"]
        var report = Variance_MediaReport()
        report.body = .local(local)
        return report
    }

    static func decodeAll(_ bytes: [UInt8], chunk: Int) throws -> [[UInt8]] {
        var decoder = MediaFrameDecoder()
        var payloads: [[UInt8]] = []
        var index = 0
        while index < bytes.count {
            decoder.append(bytes[index..<min(index + chunk, bytes.count)])
            index += chunk
            while let payload = try decoder.next() { payloads.append(payload) }
        }
        return payloads
    }

    @Test func commandsRoundTripWholeAndByteByByte() throws {
        var close = Variance_MediaCommand()
        close.body = .close(Variance_MediaClose())
        let bytes = try MediaFrame.encode(Self.start()) + MediaFrame.encode(close)
        for chunk in [1, 3, 7, bytes.count] {
            let payloads = try Self.decodeAll(bytes, chunk: chunk)
            #expect(payloads.count == 2)
            #expect(try MediaFrame.command(from: payloads[0]) == Self.start())
            #expect(try MediaFrame.command(from: payloads[1]) == close)
        }
    }

    @Test func reportsRoundTripIncludingStatistics() throws {
        let statistics = CallMediaStatistics(
            roundTripMillis: 1.5, jitterMillis: 2, packetsLost: 3, receiveKbps: 40, sendKbps: 41, audioFramesPlayed: 250,
            videoFramesDecoded: 0, codecs: ["opus/48000/2"], firstAudioSentMillis: 20, firstAudioPlayedMillis: nil,
            startedAtNanos: 1_000, firstAudioSentAtNanos: 2_000, firstSoundAtNanos: nil)
        var stats = Variance_MediaReport()
        stats.body = .stats(statistics.reply(requestID: 7))
        let bytes = try MediaFrame.encode(Self.local()) + MediaFrame.encode(stats)
        let payloads = try Self.decodeAll(bytes, chunk: 5)
        #expect(try MediaFrame.report(from: payloads[0]) == Self.local())
        guard case .stats(let reply)? = try MediaFrame.report(from: payloads[1]).body else {
            Issue.record("not a statistics reply")
            return
        }
        #expect(reply.requestID == 7)
        #expect(CallMediaStatistics(reply) == statistics)
        #expect(CallMediaStatistics(Variance_MediaStatsReply()) == nil)  // no media yet
    }

    /// Found by fuzz-media-ipc: a NaN in a statistics reply would reach `calls.stats`' JSON.
    @Test func nonFiniteStatisticsBecomeZeroOrAbsent() {
        var reply = Variance_MediaStatsReply()
        reply.started = true
        reply.roundTripMillis = .nan
        reply.jitterMillis = .infinity
        reply.sendKbps = -.infinity
        reply.receiveKbps = 12
        let statistics = CallMediaStatistics(reply)
        #expect(statistics?.isFinite == true)
        #expect(statistics?.roundTripMillis == nil && statistics?.jitterMillis == 0 && statistics?.sendKbps == 0)
        #expect(statistics?.receiveKbps == 12)
    }

    @Test func aTruncatedFrameWaitsForTheRest() throws {
        let bytes = try MediaFrame.encode(Self.local())
        var decoder = MediaFrameDecoder()
        decoder.append(bytes.dropLast())
        #expect(try decoder.next() == nil)
        #expect(decoder.bufferedBytes == bytes.count - 1)
        decoder.append(bytes.suffix(1))
        #expect(try decoder.next() != nil)
        // Only part of a header: nothing yet.
        var partial = MediaFrameDecoder()
        partial.append([0, 0])
        #expect(try partial.next() == nil)
    }

    @Test func anOversizedFrameIsRefusedFromItsHeaderAndTheDecoderStaysFailed() throws {
        let length = MediaFrame.maximumPayloadBytes + 1
        var decoder = MediaFrameDecoder()
        decoder.append([UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)])
        #expect(throws: MediaIPCError.frameTooLarge(length)) { try decoder.next() }
        decoder.append(try MediaFrame.encode(Self.local()))
        #expect(throws: MediaIPCError.self) { try decoder.next() }
        // And nothing that large is ever written.
        var huge = Variance_MediaLocalParameters()
        huge.sdp = String(repeating: "a", count: MediaFrame.maximumPayloadBytes)
        var report = Variance_MediaReport()
        report.body = .local(huge)
        #expect(throws: MediaIPCError.self) { try MediaFrame.encode(report) }
    }

    @Test func unknownAndMalformedMessagesAreRefused() throws {
        // A body this side does not know (field 99) decodes to no body: refused.
        let unknown: [UInt8] = [0x9A, 0x06, 0x00]
        #expect(throws: MediaIPCError.unknownMessage) { try MediaFrame.report(from: unknown) }
        #expect(throws: MediaIPCError.unknownMessage) { try MediaFrame.command(from: []) }
        #expect(throws: MediaIPCError.malformed) { try MediaFrame.report(from: [0x0A, 0x05, 0x01]) }
    }

    @Test func garbageNeverTraps() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let data = (0..<Int.random(in: 0...96, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            MediaIPCFuzzer.fuzz(data)
        }
        MediaIPCFuzzer.fuzz((try? MediaFrame.encode(Self.local())) ?? [])
    }

    /// The committed fuzz seeds are what they claim to be (Tests/FuzzCorpus/media-ipc).
    @Test func theFuzzSeedsDecode() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("FuzzCorpus/media-ipc")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(names.count >= 6)
        for name in names {
            let bytes = [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
            var decoder = MediaFrameDecoder()
            decoder.append(bytes)
            if name.hasPrefix("oversized") {
                #expect(throws: MediaIPCError.self) { try decoder.next() }
                continue
            }
            var count = 0
            while let payload = try decoder.next() {
                count += 1
                if name.hasPrefix("report") { _ = try MediaFrame.report(from: payload) } else { _ = try MediaFrame.command(from: payload) }
            }
            #expect(count >= 1 && decoder.bufferedBytes == 0, "\(name)")
        }
    }
}
