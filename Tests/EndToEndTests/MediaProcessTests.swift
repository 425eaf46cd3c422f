import Foundation
import Testing
import VarianceRPC

/// The media process (`variance-media`): the engine maps no call library, says so clearly
/// when the helper is missing, and survives the helper's death mid-call.
@Suite(.serialized) struct MediaProcessTests {
    /// The shared libraries a binary needs, directly or not (`ldd`).
    static func sharedLibraries(of binary: URL) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ldd")
        process.arguments = [binary.path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n")
            .compactMap { $0.split(separator: " ").first.map { String($0.trimmingCharacters(in: .whitespaces)) } }
    }

    static let callLibraries = ["libnice", "libglib", "libgio", "libgobject", "libsrtp", "libssl", "libcrypto.so", "libopus", "libvpx", "libnss", "libsoup", "libgupnp"]

    @Test func theEngineMapsNoCallLibraryAndTheMediaProcessDoes() throws {
        let engine = try Self.sharedLibraries(of: Binaries.directory.appendingPathComponent("variance-engine"))
        #expect(!engine.isEmpty)
        let offending = engine.filter { library in Self.callLibraries.contains { library.hasPrefix($0) } }
        #expect(offending.isEmpty, "variance-engine needs \(offending)")
        let media = try Self.sharedLibraries(of: Binaries.directory.appendingPathComponent("variance-media"))
        for library in ["libnice", "libsrtp2", "libopus", "libvpx", "libssl"] {
            #expect(media.contains { $0.hasPrefix(library) }, "variance-media should need \(library)")
        }
    }

    @Test func aMissingMediaProcessIsAClearError() async throws {
        try await offThePool {
            let peers = try Circle.of(["alice", "bob"]) { name in
                (nil, "/ip4/127.0.0.1/tcp/\(try freePort())")
            } configure: { directory in
                guard directory.lastPathComponent == "bob" else { return }
                try "media:\n  helper: /nonexistent/variance-media\n".write(
                    to: directory.appendingPathComponent("config.yaml"), atomically: true, encoding: .utf8)
            }
            defer { peers.forEach { $0.stop() } }
            let (alice, bob) = (peers[0], peers[1])
            // Bob cannot place a call...
            #expect(try bob.errorCode("calls.start", ["peer": .string(alice.did)]) == -32603)
            let message = bob.replies.values.compactMap { $0["error"]?["message"]?.stringValue }.first ?? ""
            #expect(message.contains("/nonexistent/variance-media") && message.contains("media.helper"), "\(message)")
            #expect(try bob.call("calls.list")["calls"]?.arrayValue?.isEmpty == true)
            // ...nor answer one: it rings, and accepting says why it cannot.
            let call = try #require(try alice.call("calls.start", ["peer": .string(bob.did)])["callId"]?.stringValue)
            try bob.waitUntil("ringing") { $0.callNotices("call.incoming", call).count == 1 }
            #expect(try bob.errorCode("calls.accept", ["callId": .string(call)]) == -32603)
            try alice.call("calls.hangup", ["callId": .string(call)])
            try bob.waitUntil("cancelled") { $0.callReasons(call) == ["hungUp"] }
        }
    }

    /// The pids of `parent`'s children named `name` (from /proc).
    static func children(of parent: Int32, named name: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> Int32? in
            guard let pid = Int32(entry), let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")")
            else { return nil }
            let comm = stat[stat.index(after: open)..<close]
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 2, fields[0] != "Z", comm == name, Int32(fields[1]) == parent else { return nil }
            return pid
        }
    }

    /// A helper that answers `close` (here: says `MediaClosed` at once) but does not exit is
    /// killed once another reply timeout has passed.
    @Test func aMediaProcessThatAnswersCloseButStaysIsKilled() async throws {
        try await offThePool {
            let peers = try Circle.of(["alice", "bob"]) { name in
                (nil, "/ip4/127.0.0.1/tcp/\(try freePort())")
            } configure: { directory in
                guard directory.lastPathComponent == "bob" else { return }
                // One frame (a 4-byte length, then a MediaReport whose field 6, `closed`, is
                // empty), then a wait that outlives the test.
                let helper = directory.appendingPathComponent("stubborn-media")
                try "#!/bin/sh\nprintf '\\000\\000\\000\\002\\062\\000'\nexec sleep 300\n".write(
                    to: helper, atomically: true, encoding: .utf8)
                try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: helper.path)
                try "media:\n  helper: \(helper.path)\n".write(
                    to: directory.appendingPathComponent("config.yaml"), atomically: true, encoding: .utf8)
            }
            defer { peers.forEach { $0.stop() } }
            let (alice, bob) = (peers[0], peers[1])
            let call = try #require(try alice.call("calls.start", ["peer": .string(bob.did)])["callId"]?.stringValue)
            try bob.waitUntil("ringing") { $0.callNotices("call.incoming", call).count == 1 }
            let bobPid = bob.engine.process.processIdentifier
            try bob.waitUntil("its helper", timeout: 30, polling: 0.1) { _ in Self.children(of: bobPid, named: "sleep").count == 1 }
            try alice.call("calls.hangup", ["callId": .string(call)])
            try bob.waitUntil("cancelled") { $0.callReasons(call) == ["hungUp"] }
            try bob.waitUntil("its helper gone", timeout: 30, polling: 0.1) { _ in Self.children(of: bobPid, named: "sleep").isEmpty }
        }
    }

    @Test func aMediaProcessThatDiesEndsItsCallAndTheEngineGoesOn() async throws {
        try await offThePool {
            let peers = try Circle.of(["alice", "bob"])
            defer { peers.forEach { $0.stop() } }
            let (alice, bob) = (peers[0], peers[1])
            let call = try #require(try alice.call("calls.start", ["peer": .string(bob.did)])["callId"]?.stringValue)
            try bob.waitUntil("ringing") { $0.callNotices("call.incoming", call).count == 1 }
            // The callee's media process starts while it rings.
            let bobPid = bob.engine.process.processIdentifier
            #expect(Self.children(of: bobPid, named: "variance-media").count == 1)
            try bob.call("calls.accept", ["callId": .string(call)])
            for peer in [alice, bob] { try peer.waitUntil("active") { $0.callStates(call).contains("active") } }
            let alicePid = alice.engine.process.processIdentifier
            let helpers = Self.children(of: alicePid, named: "variance-media")
            #expect(helpers.count == 1)
            for helper in helpers { kill(helper, SIGKILL) }
            try alice.waitUntil("ended") { $0.callStates(call).contains("ended") }
            #expect(alice.callReasons(call) == ["mediaProcessExited"])
            try bob.waitUntil("ended") { $0.callStates(call).contains("ended") }
            #expect(bob.callReasons(call) == ["peerGone"])
            // Both engines go on; no media process is left behind.
            #expect(try alice.call("calls.list")["calls"]?.arrayValue?.first?["reason"]?.stringValue == "mediaProcessExited")
            try alice.waitUntil("helpers gone", timeout: 30, polling: 0.1) { _ in Self.children(of: alicePid, named: "variance-media").isEmpty }
            try bob.waitUntil("helpers gone", timeout: 30, polling: 0.1) { _ in Self.children(of: bobPid, named: "variance-media").isEmpty }
            // And a new call works.
            let again = try #require(try alice.call("calls.start", ["peer": .string(bob.did)])["callId"]?.stringValue)
            try bob.waitUntil("ringing") { $0.callNotices("call.incoming", again).count == 1 }
            try bob.call("calls.accept", ["callId": .string(again)])
            try alice.waitUntil("active") { $0.callStates(again).contains("active") }
            try alice.call("calls.hangup", ["callId": .string(again)])
            try bob.waitUntil("hung up") { $0.callReasons(again) == ["hungUp"] }
        }
    }
}
