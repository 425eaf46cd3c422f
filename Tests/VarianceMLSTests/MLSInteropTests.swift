import Foundation
import Testing

@testable import VarianceMLS

/// An mls-rs member (`Tests/Interop/mls_peer.py`) in another process, spoken to in JSON lines.
final class MLSRsPeer {
    /// The Python that has `mls_rs_uniffi` (agentvault-mls-rs-uniffi 0.1.1): the environment
    /// variable `VARIANCE_MLS_PEER_PYTHON`, else the repository's `.venv-interop` if it has it.
    static let python: String? = {
        if let configured = ProcessInfo.processInfo.environment["VARIANCE_MLS_PEER_PYTHON"] { return configured }
        let venv = root.appendingPathComponent(".venv-interop")
        let lib = venv.appendingPathComponent("lib")
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: lib.path)) ?? []
        let hasModule = versions.contains { version in
            FileManager.default.fileExists(
                atPath: lib.appendingPathComponent(version).appendingPathComponent("site-packages/mls_rs_uniffi").path)
        }
        return hasModule ? venv.appendingPathComponent("bin/python").path : nil
    }()

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private var buffer = Data()

    init(python: String) throws {
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [Self.root.appendingPathComponent("Tests/Interop/mls_peer.py").path]
        process.standardInput = input
        process.standardOutput = output
        try process.run()
    }

    deinit {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    struct PeerError: Error, CustomStringConvertible {
        let description: String
    }

    /// Sends one request and waits for its reply line.
    func call(_ request: [String: Any]) throws -> [String: Any] {
        var line = try JSONSerialization.data(withJSONObject: request)
        line.append(0x0A)
        try input.fileHandleForWriting.write(contentsOf: line)
        while !buffer.contains(0x0A) {
            // `availableData` returns as soon as some bytes arrive (`read(upToCount:)` waits for all).
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else {
                throw PeerError(description: "mls-rs peer closed its output")
            }
            buffer.append(chunk)
        }
        let end = buffer.firstIndex(of: 0x0A)!
        let reply = buffer[buffer.startIndex..<end]
        buffer = Data(buffer[(end + 1)...])
        guard let object = try JSONSerialization.jsonObject(with: reply) as? [String: Any] else {
            throw PeerError(description: "reply is not an object")
        }
        if let error = object["error"] as? String { throw PeerError(description: error) }
        return object
    }

    func bytes(_ request: [String: Any], _ key: String) throws -> [UInt8] {
        [UInt8](hex: try call(request).string(key))
    }
}

/// Differential tests against mls-rs: each side creates, joins, commits and sends, and both
/// must agree on every exporter secret. Skipped when no Python with mls_rs_uniffi is found.
@Suite(.enabled(if: MLSRsPeer.python != nil, "needs a Python with agentvault-mls-rs-uniffi"))
struct MLSInteropTests {
    let suite = CipherSuite.mls128X25519

    private func message(_ hex: [UInt8]) throws -> MLSMessage { try MLSMessage(tlsSerialized: hex) }

    private func export(_ peer: MLSRsPeer) throws -> [UInt8] {
        try peer.bytes(
            ["op": "export", "label": [UInt8]("interop".utf8).hex, "context": "0102", "length": 32], "secret")
    }

    private func export(_ group: Group) throws -> [UInt8] {
        try group.exportSecret(label: "interop", context: [1, 2], length: 32)
    }

    @Test func swiftCreatesAndMlsRsJoins() throws {
        let peer = try MLSRsPeer(python: MLSRsPeer.python!)
        var rng = SeededGenerator(seed: 31)
        guard case .keyPackage(let rsKeyPackage) = try message(try peer.bytes(["op": "key_package"], "message")).body,
            case .keyPackage(let lifetime) = rsKeyPackage.leafNode.source
        else {
            Issue.record("mls-rs key package did not decode as one")
            return
        }
        let now = lifetime.notBefore
        var alice = try Group.create(
            suite: suite, groupID: Array("interop-1".utf8), credential: .basic(identity: Array("alice".utf8)),
            signatureKey: .generate(using: &rng), lifetime: Lifetime(notBefore: 0, notAfter: .max), using: &rng)
        let added = try alice.commit(adding: [rsKeyPackage], now: now, using: &rng)
        alice = added.group
        _ = try peer.call(["op": "join", "welcome": added.welcome!.tlsSerialized.hex])
        #expect(try export(peer) == export(alice))

        let toRust = try alice.encrypt(Array("from swift".utf8), using: &rng)
        let received = try peer.call(["op": "process", "message": toRust.tlsSerialized.hex])
        #expect(received["kind"] as? String == "application")
        #expect([UInt8](hex: received["data"] as? String ?? "") == Array("from swift".utf8))
        let fromRust = try message(try peer.bytes(["op": "encrypt", "data": [UInt8]("from rust".utf8).hex], "message"))
        #expect(
            try alice.process(fromRust, now: now)
                == .application(sender: 1, data: Array("from rust".utf8), authenticatedData: []))

        // mls-rs commits (as a PublicMessage), then we commit (as a PrivateMessage).
        let rustCommit = try message(try peer.bytes(["op": "commit"], "commit"))
        #expect(try alice.process(rustCommit, now: now) == .commit(sender: 1, epoch: 2))
        #expect(try export(peer) == export(alice))
        let ourCommit = try alice.commit(now: now, using: &rng)
        alice = ourCommit.group
        #expect(
            try peer.call(["op": "process", "message": ourCommit.message.tlsSerialized.hex])["kind"] as? String
                == "commit")
        #expect(try export(peer) == export(alice))

        // A second Swift member joins through our commit, which mls-rs follows.
        let bobBundle = try KeyPackageBundle.generate(
            suite: suite, credential: .basic(identity: Array("bob".utf8)), signatureKey: .generate(using: &rng),
            lifetime: Lifetime(notBefore: 0, notAfter: .max), using: &rng)
        let addBob = try alice.commit(
            adding: [bobBundle.keyPackage.value], wireFormat: .publicMessage, now: now, using: &rng)
        alice = addBob.group
        _ = try peer.call(["op": "process", "message": addBob.message.tlsSerialized.hex])
        guard case .welcome(let welcome) = addBob.welcome?.body else {
            Issue.record("no welcome for bob")
            return
        }
        var bob = try Group.join(welcome: welcome, bundle: bobBundle, suite: suite)
        #expect(try export(peer) == export(alice) && export(bob) == export(alice))
        let broadcast = try message(try peer.bytes(["op": "encrypt", "data": "cafe"], "message"))
        #expect(
            try bob.process(broadcast, now: now) == .application(sender: 1, data: [0xCA, 0xFE], authenticatedData: []))

        // Removing mls-rs: it learns it was removed.
        let remove = try alice.commit(removing: [1], now: now, using: &rng)
        alice = remove.group
        let removal = try peer.call(["op": "process", "message": remove.message.tlsSerialized.hex])
        #expect(removal["kind"] as? String == "commit" && removal["removed"] as? Bool == true)
        _ = try bob.process(remove.message, now: now)
        #expect(try export(bob) == export(alice))
    }

    @Test(arguments: [true, false])
    func mlsRsCreatesAndSwiftJoins(treeInWelcome: Bool) throws {
        let peer = try MLSRsPeer(python: MLSRsPeer.python!)
        var rng = SeededGenerator(seed: 32)
        let now: UInt64 = 1_800_000_000
        _ = try peer.call(["op": "create", "group_id": "0a0b0c", "tree_extension": treeInWelcome])
        let bundle = try KeyPackageBundle.generate(
            suite: suite, credential: .basic(identity: Array("carol".utf8)), signatureKey: .generate(using: &rng),
            lifetime: Lifetime(notBefore: 0, notAfter: .max), using: &rng)
        let added = try peer.call([
            "op": "add", "key_package": MLSMessage(.keyPackage(bundle.keyPackage.value)).tlsSerialized.hex,
        ])
        guard case .welcome(let welcome) = try message([UInt8](hex: try added.string("welcome"))).body else {
            Issue.record("mls-rs welcome did not decode as one")
            return
        }
        let tree = try (added["ratchet_tree"] as? String).map { try RatchetTree(tlsSerialized: [UInt8](hex: $0)) }
        #expect((tree == nil) == treeInWelcome)
        var carol = try Group.join(welcome: welcome, bundle: bundle, ratchetTree: tree, suite: suite)
        #expect(carol.ownLeafIndex == 1)
        #expect(try export(peer) == export(carol))

        let fromRust = try message(try peer.bytes(["op": "encrypt", "data": "0102"], "message"))
        #expect(try carol.process(fromRust, now: now) == .application(sender: 0, data: [1, 2], authenticatedData: []))
        let toRust = try carol.encrypt([3, 4], using: &rng)
        #expect(try peer.call(["op": "process", "message": toRust.tlsSerialized.hex])["data"] as? String == "0304")

        for round in 0..<3 {
            let ourCommit = try carol.commit(
                wireFormat: round % 2 == 0 ? .publicMessage : .privateMessage, now: now, using: &rng)
            carol = ourCommit.group
            _ = try peer.call(["op": "process", "message": ourCommit.message.tlsSerialized.hex])
            #expect(try export(peer) == export(carol))
            let rustCommit = try message(try peer.bytes(["op": "commit"], "commit"))
            _ = try carol.process(rustCommit, now: now)
            #expect(try export(peer) == export(carol))
        }
    }

    /// Proposals by reference in both directions check that both sides compute the same
    /// ProposalRef, and an Update of ours committed by mls-rs swaps our leaf key.
    @Test func proposalsByReferenceBothWays() throws {
        let peer = try MLSRsPeer(python: MLSRsPeer.python!)
        var rng = SeededGenerator(seed: 33)
        let now: UInt64 = 1_800_000_000
        _ = try peer.call(["op": "create", "group_id": "0d0e"])
        func bundle(_ name: String) throws -> KeyPackageBundle {
            try KeyPackageBundle.generate(
                suite: suite, credential: .basic(identity: Array(name.utf8)), signatureKey: .generate(using: &rng),
                lifetime: Lifetime(notBefore: 0, notAfter: .max), using: &rng)
        }
        let carolBundle = try bundle("carol")
        let added = try peer.call([
            "op": "add", "key_package": MLSMessage(.keyPackage(carolBundle.keyPackage.value)).tlsSerialized.hex,
        ])
        guard case .welcome(let welcome) = try message([UInt8](hex: try added.string("welcome"))).body else {
            Issue.record("no welcome")
            return
        }
        var carol = try Group.join(welcome: welcome, bundle: carolBundle, suite: suite)

        // mls-rs proposes adding Dave; Carol commits the proposal by reference.
        let daveBundle = try bundle("dave")
        let proposals = try peer.call([
            "op": "propose_add", "key_package": MLSMessage(.keyPackage(daveBundle.keyPackage.value)).tlsSerialized.hex,
        ])
        for case let hex as String in proposals["messages"] as? [Any] ?? [] {
            guard
                case .proposal(sender: .member(0), proposal: .add) = try carol.process(
                    try message([UInt8](hex: hex)), now: now)
            else {
                Issue.record("expected an Add proposal from mls-rs")
                return
            }
        }
        #expect(carol.pendingProposalCount == 1)
        let commit = try carol.commit(now: now, using: &rng)
        carol = commit.group
        let rsView = try peer.call(["op": "process", "message": commit.message.tlsSerialized.hex])
        #expect(rsView["kind"] as? String == "commit")
        guard case .welcome(let daveWelcome) = commit.welcome?.body else {
            Issue.record("no welcome for dave")
            return
        }
        var dave = try Group.join(welcome: daveWelcome, bundle: daveBundle, suite: suite)
        #expect(try export(peer) == export(carol) && export(dave) == export(carol))

        // Carol proposes an Update; mls-rs commits it by reference.
        let update = try carol.proposeUpdate(using: &rng)
        #expect(try peer.call(["op": "process", "message": update.tlsSerialized.hex])["kind"] as? String == "proposal")
        _ = try dave.process(update, now: now)
        let oldKey = carol.tree.leaf(carol.ownLeafIndex)?.encryptionKey
        let rustCommit = try message(try peer.bytes(["op": "commit"], "commit"))
        #expect(try carol.process(rustCommit, now: now) == .commit(sender: 0, epoch: 3))
        #expect(try dave.process(rustCommit, now: now) == .commit(sender: 0, epoch: 3))
        #expect(carol.tree.leaf(carol.ownLeafIndex)?.encryptionKey != oldKey)
        #expect(try export(peer) == export(carol) && export(dave) == export(carol))

        // Carol proposes removing Dave; mls-rs commits it; Dave learns he was removed.
        let remove = try carol.propose(.remove(Remove(removed: dave.ownLeafIndex)), now: now, using: &rng)
        _ = try peer.call(["op": "process", "message": remove.tlsSerialized.hex])
        _ = try dave.process(remove, now: now)
        let removal = try message(try peer.bytes(["op": "commit"], "commit"))
        #expect(try dave.process(removal, now: now) == .removed(by: 0))
        _ = try carol.process(removal, now: now)
        #expect(try export(peer) == export(carol))
        #expect(carol.members.count == 2)
    }
}
