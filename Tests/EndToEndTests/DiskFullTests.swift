import Foundation
import Testing
import VarianceRPC

/// A full disk: alice's data directory is a small tmpfs the test mounts (root only), which
/// it then fills with a file of its own. While it is full her engine keeps running: reads
/// are served, a `messages.send` it cannot store is refused with `-32603` and
/// `data.reason` "disk full", and what bob writes to her is not acknowledged (it stays in
/// his outbox). Once the file is removed everything works again, and nothing either of them
/// sent and was told was accepted is lost or stored twice.
@Suite(.serialized, .enabled(if: SmallDisk.available, "mounting a tmpfs needs root: disk-full test skipped"))
struct DiskFullTests {
    @Test func aFullDiskRefusesWhatItCannotStoreAndLosesNothing() async throws {
        try await offThePool {
            try SmallDisk.mounted(megabytes: 48) { mount in
                let root = FileManager.default.temporaryDirectory.appendingPathComponent("variance-diskfull-\(UUID().uuidString)")
                var alice = try Peer(
                    name: "alice", directory: mount.appendingPathComponent("alice"),
                    arguments: ["--listen", "/ip4/127.0.0.1/tcp/\(try freePort())", "--log-level", "info"])
                let bob = try Peer(
                    name: "bob", directory: root.appendingPathComponent("bob"),
                    arguments: ["--listen", "/ip4/127.0.0.1/tcp/\(try freePort())", "--log-level", "info"])
                defer { alice.stop(); bob.stop() }
                try alice.createIdentity()
                try bob.createIdentity()
                try alice.call("contacts.add", ["did": .string(bob.did), "multiaddr": .string(bob.address)])
                try bob.call("contacts.add", ["did": .string(alice.did), "multiaddr": .string(alice.address)])
                // Sessions both ways before the disk fills.
                var fromAlice = ["before"]
                var fromBob = ["before too"]
                try alice.call("messages.send", ["conversation": .string(bob.did), "text": .string(fromAlice[0])])
                try bob.waitUntil("alice's first message") { $0.received(from: alice.did) == fromAlice }
                try bob.call("messages.send", ["conversation": .string(alice.did), "text": .string(fromBob[0])])
                try alice.waitUntil("bob's first message") { $0.received(from: bob.did) == fromBob }

                let filler = mount.appendingPathComponent("filler")
                try SmallDisk.fill(filler)
                // SQLite may still find room in pages it already holds: alice writes until a
                // send is refused (each text is 8 KiB, so that comes soon).
                let padding = String(repeating: "x", count: 8 * 1024)
                var refusal: JSON?
                for index in 0..<500 where refusal == nil {
                    let text = "while full \(index) \(padding)"
                    let id = alice.send("messages.send", ["conversation": .string(bob.did), "text": .string(text)])
                    try alice.waitForReplies([id])
                    if alice.replies[id]?["result"] != nil { fromAlice.append(text) } else { refusal = alice.replies[id]?["error"] }
                }
                let error = try #require(refusal, "500 sends of 8 KiB fitted on a full disk")
                #expect(error["code"]?.intValue == -32603)
                #expect(error["data"]?["reason"]?.stringValue == "disk full")
                // Still serving: reads work on a full disk.
                #expect(try alice.call("node.status")["peerId"]?.stringValue?.isEmpty == false)
                #expect(try alice.call("messages.list", ["conversation": .string(bob.did), "limit": 5])["messages"]?.arrayValue?.isEmpty == false)

                // bob writes to her now: she cannot store it, so she does not acknowledge it.
                let whileFull = (0..<5).map { "to a full disk \($0)" }
                try bob.waitForReplies(bob.pipelineSends(to: alice.did, texts: whileFull))
                fromBob += whileFull
                try waitForLog(alice, "Received messages could not be stored")
                try waitForLog(bob, "Still queued")

                // Space again.
                try FileManager.default.removeItem(at: filler)
                fromAlice.append("after")
                try alice.call("messages.send", ["conversation": .string(bob.did), "text": "after"])
                // A new message restarts bob's queue at once (as any send in a conversation does).
                fromBob.append("after too")
                try bob.call("messages.send", ["conversation": .string(alice.did), "text": "after too"])
                // (On timeout the expectations below show what is missing.)
                try? bob.waitUntil("everything alice had accepted", timeout: 120) { $0.received(from: alice.did).count >= fromAlice.count }
                try? alice.waitUntil("everything bob had accepted", timeout: 120) { $0.received(from: bob.did).count >= fromBob.count }
                #expect(bob.received(from: alice.did) == fromAlice, "lost, repeated or reordered")
                #expect(alice.received(from: bob.did) == fromBob, "lost, repeated or reordered")

                // And it is all in alice's store, which restarts intact.
                alice = try alice.restart()
                #expect(try SQLiteProbe.integrityCheck(alice.directory.appendingPathComponent("variance.sqlite").path) == "ok")
                let stored = try alice.call("messages.list", ["conversation": .string(bob.did), "limit": 500])["messages"]?.arrayValue ?? []
                #expect(stored.count == fromAlice.count + fromBob.count)
                #expect(Set(stored.compactMap { $0["text"]?.stringValue }) == Set(fromAlice + fromBob))
            }
        }
    }

    /// Waits until `peer`'s standard error holds `line` (at most 60 s, reading frames meanwhile).
    private func waitForLog(_ peer: Peer, _ line: String) throws {
        let deadline = Date().addingTimeInterval(60)
        while !peer.engine.standardError.contains(line) {
            guard Date() < deadline else { throw DeliveryTestError(description: "\(peer.name) never logged \"\(line)\"") }
            try? peer.waitUntil("a moment", timeout: 0.2) { _ in false }
        }
    }
}

/// A tmpfs of a few megabytes, mounted for one test and unmounted after it, whatever happens.
enum SmallDisk {
    static let available: Bool = geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/mount")

    static func mounted(megabytes: Int, _ body: (URL) throws -> Void) throws {
        let mount = FileManager.default.temporaryDirectory.appendingPathComponent("variance-small-disk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: mount, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: mount) }
        let status = try NetworkNamespaces.run("/usr/bin/mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m,mode=0700", "tmpfs", mount.path])
        guard status == 0 else { throw DeliveryTestError(description: "mount -t tmpfs failed (\(status))") }
        defer {
            if (try? NetworkNamespaces.run("/usr/bin/umount", [mount.path])) != 0 {
                _ = try? NetworkNamespaces.run("/usr/bin/umount", ["-l", mount.path])
            }
        }
        try body(mount)
    }

    /// Writes `file` until the file system refuses more (ENOSPC).
    static func fill(_ file: URL) throws {
        let fd = open(file.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw DeliveryTestError(description: "cannot create \(file.path)") }
        defer { close(fd) }
        let chunk = [UInt8](repeating: 0x5A, count: 64 * 1024)
        while true {
            let written = chunk.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                guard errno == ENOSPC else { throw DeliveryTestError(description: "filling failed: errno \(errno)") }
                break
            }
            if written == 0 { break }
        }
        // The last partial chunk may have left a few bytes: fill those too, one at a time.
        var byte: UInt8 = 0x5A
        while write(fd, &byte, 1) == 1 {}
    }
}
