import Foundation
import Testing
import VarianceRPC

/// "No secret in logs, nothing in clear at rest": two real engines logging at trace level
/// (`--log-level trace`, the same as `VARIANCE_LOG=trace`) create identities with a
/// passphrase, exchange messages with distinctive texts (one left queued in the outbox),
/// restart and unlock. Then neither engine's standard error holds a message text, a
/// passphrase or any run of three words of a mnemonic, and no file of either data
/// directory (identity file, database, WAL) holds a text, a passphrase or a mnemonic run.
@Suite(.serialized) struct SecretsTests {
    @Test func aTraceLoggedSessionLeaksNoSecretToLogsOrDisk() async throws {
        try await runOffThePool {
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("variance-secrets-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: root) }
            let arguments = { (port: UInt16) in ["--listen", "/ip4/127.0.0.1/tcp/\(port)", "--log-level", "trace"] }
            let alice = try Peer(name: "alice", directory: root.appendingPathComponent("alice"), arguments: arguments(try freePort()))
            let bob = try Peer(name: "bob", directory: root.appendingPathComponent("bob"), arguments: arguments(try freePort()))
            var processes = [alice, bob]
            defer { processes.forEach { $0.stop() } }

            // Distinctive secrets: each holds a fresh UUID that appears nowhere else.
            let passphrases = ["alice": "alice-pass \(UUID().uuidString)", "bob": "bob-pass \(UUID().uuidString)"]
            let texts = [
                "to bob": "Meet at the old mill, code \(UUID().uuidString)",
                "to alice": "Bring the blue folder \(UUID().uuidString)",
                "queued": "Left in the outbox \(UUID().uuidString)",
            ]
            var mnemonics: [String: [String]] = [:]
            var dids: [String: String] = [:]
            var addresses: [String: String] = [:]
            for peer in [alice, bob] {
                let created = try peer.call(
                    "identity.create", ["username": .string(peer.name), "passphrase": .string(passphrases[peer.name]!)])
                mnemonics[peer.name] = created["mnemonic"]?.arrayValue?.compactMap(\.stringValue) ?? []
                dids[peer.name] = created["did"]?.stringValue ?? ""
                addresses[peer.name] = try peer.call("node.status")["listenAddrs"]?.arrayValue?.first?.stringValue ?? ""
                #expect(mnemonics[peer.name]?.count == 24)
            }
            try alice.call("contacts.add", ["did": .string(dids["bob"]!), "multiaddr": .string(addresses["bob"]!)])
            try bob.call("contacts.add", ["did": .string(dids["alice"]!), "multiaddr": .string(addresses["alice"]!)])

            // One message each way, delivered and acknowledged.
            try alice.call("messages.send", ["conversation": .string(dids["bob"]!), "text": .string(texts["to bob"]!)])
            try bob.call("messages.send", ["conversation": .string(dids["alice"]!), "text": .string(texts["to alice"]!)])
            try bob.waitUntil("alice's message") { $0.received(from: dids["alice"]!) == [texts["to bob"]!] }
            try alice.waitUntil("bob's message") { $0.received(from: dids["bob"]!) == [texts["to alice"]!] }
            try alice.waitUntil("a delivery receipt") { !$0.statuses(of: "delivered").isEmpty }

            // Bob leaves; a third message waits in alice's outbox. Alice restarts and unlocks.
            bob.stop()
            let queued = try alice.call("messages.send", ["conversation": .string(dids["bob"]!), "text": .string(texts["queued"]!)])
            #expect(queued["status"]?.stringValue == "queued")
            let alice2 = try alice.restart()
            processes.append(alice2)
            try alice2.call("identity.unlock", ["passphrase": .string(passphrases["alice"]!)])
            let listed = try alice2.call("messages.list", ["conversation": .string(dids["bob"]!)])
            #expect(Set(listed["messages"]?.arrayValue?.compactMap { $0["text"]?.stringValue } ?? []) == Set(texts.values))
            alice2.stop()

            let secrets = Array(texts.values) + Array(passphrases.values)
            let words = Array(mnemonics.values)
            for process in processes {
                let log = process.engine.standardError
                #expect(
                    [" trace ", " debug ", " info "].contains { log.contains($0) },
                    "\(process.name) logged nothing below warning: trace level was not on, the test proves nothing")
                for secret in secrets {
                    #expect(!log.contains(secret), "\(process.name)'s log holds a secret")
                    #expect(!log.contains(marker(secret)), "\(process.name)'s log holds a secret's UUID")
                    #expect(!log.lowercased().contains(hex(secret)), "\(process.name)'s log holds a secret in hex")
                }
                for mnemonic in words {
                    #expect(mnemonicRun(in: Array(log.utf8), of: mnemonic) == nil, "\(process.name)'s log holds mnemonic words")
                }
            }

            // At rest: every file of both data directories.
            var files = 0
            for peer in [alice, bob] {
                let enumerator = FileManager.default.enumerator(at: peer.directory, includingPropertiesForKeys: nil)
                while let url = enumerator?.nextObject() as? URL {
                    guard let data = FileManager.default.contents(atPath: url.path) else { continue }
                    files += 1
                    let bytes = [UInt8](data)
                    for secret in secrets {
                        #expect(bytes.firstRange(of: Array(marker(secret).utf8)) == nil, "\(url.lastPathComponent) holds a secret in clear")
                    }
                    for mnemonic in words {
                        #expect(mnemonicRun(in: bytes, of: mnemonic) == nil, "\(url.lastPathComponent) holds mnemonic words")
                    }
                }
                for name in ["identity.key", "variance.sqlite"] {
                    let mode = try FileManager.default.attributesOfItem(atPath: peer.directory.appendingPathComponent(name).path)[.posixPermissions] as? Int
                    #expect(mode == 0o600, "\(peer.name)'s \(name) has mode \(String(mode ?? 0, radix: 8))")
                }
            }
            #expect(files >= 4, "the data directories hold too few files to prove anything")
        }
    }
}

/// The UUID a secret ends with: what the checks look for, so a log that cut the text short
/// or escaped its spaces is still caught.
private func marker(_ secret: String) -> String { String(secret.suffix(36)) }

/// `secret` as lowercase hex.
private func hex(_ secret: String) -> String {
    secret.utf8.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
}

/// The first three consecutive words of `mnemonic` that appear as consecutive words of
/// `bytes` (words are runs of ASCII letters, compared in lowercase, whatever separates them:
/// spaces, commas, quotes), or nil.
func mnemonicRun(in bytes: [UInt8], of mnemonic: [String]) -> String? {
    guard mnemonic.count >= 3 else { return nil }
    var words: [String] = []
    var current: [UInt8] = []
    for byte in bytes + [0] {
        let lower = (0x41...0x5A).contains(byte) ? byte + 0x20 : byte
        if (0x61...0x7A).contains(lower) {
            current.append(lower)
        } else if !current.isEmpty {
            words.append(String(decoding: current, as: UTF8.self))
            current.removeAll(keepingCapacity: true)
        }
    }
    let runs = Set((0...(mnemonic.count - 3)).map { mnemonic[$0..<($0 + 3)].joined(separator: " ") })
    guard words.count >= 3 else { return nil }
    for start in 0...(words.count - 3) {
        let run = words[start..<(start + 3)].joined(separator: " ")
        if runs.contains(run) { return run }
    }
    return nil
}

/// Runs blocking work on its own thread, off Swift's small cooperative pool, and returns
/// its result to the test's task (where known issues can be matched).
@discardableResult
func runOffThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
        Thread {
            do {
                continuation.resume(returning: try body())
            } catch {
                continuation.resume(throwing: error)
            }
        }.start()
    }
}
