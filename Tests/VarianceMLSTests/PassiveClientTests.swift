import Foundation
import Testing

@testable import VarianceMLS

/// The passive-client scenarios of mlswg/mls-implementations (FORMATS.md, "Passive Client
/// Scenarios"): join by Welcome, then follow every commit and compare epoch authenticators.
/// The files are held out of this repository; each test runs when its file is placed in
/// `Tests/Vectors/mls/` and is skipped otherwise.
@Suite struct PassiveClientTests {
    static func present(_ name: String) -> Bool {
        FileManager.default.fileExists(atPath: MLSVectors.directory.appendingPathComponent(name).path)
    }

    let suite = CipherSuite.mls128X25519

    @Test(.enabled(if: present("passive-client-welcome.json")))
    func passiveClientWelcome() throws { try run("passive-client-welcome.json") }

    @Test(.enabled(if: present("passive-client-handling-commit.json")))
    func passiveClientHandlingCommit() throws { try run("passive-client-handling-commit.json") }

    @Test(.enabled(if: present("passive-client-random.json")))
    func passiveClientRandom() throws { try run("passive-client-random.json") }

    private func run(_ name: String) throws {
        let entries = try MLSVectors.suite1(name)
        #expect(!entries.isEmpty, "\(name) has no cipher suite 1 entries")
        for (index, entry) in entries.enumerated() {
            do {
                for mismatch in try scenario(entry) { Issue.record("\(name) entry \(index): \(mismatch)") }
            } catch {
                Issue.record("\(name) entry \(index): \(error)")
            }
        }
    }

    private func message(_ bytes: [UInt8]) throws -> MLSMessage { try MLSMessage(tlsSerialized: bytes) }

    /// Runs one scenario; returns the epoch authenticators that differ (empty when all match).
    private func scenario(_ entry: [String: Any]) throws -> [String] {
        // The key package may come bare or wrapped in an MLSMessage.
        let keyPackageBytes = try entry.hex("key_package")
        let keyPackage: UnverifiedKeyPackage
        if let wrapped = try? message(keyPackageBytes), case .keyPackage(let inner) = wrapped.body {
            keyPackage = inner
        } else {
            keyPackage = try UnverifiedKeyPackage(tlsSerialized: keyPackageBytes)
        }
        let bundle = try KeyPackageBundle(
            keyPackage: KeyPackage(verifying: keyPackage, suite: suite, now: nil),
            initKey: HPKEPrivateKey(rawRepresentation: try entry.hex("init_priv")),
            encryptionKey: HPKEPrivateKey(rawRepresentation: try entry.hex("encryption_priv")),
            signatureKey: SignaturePrivateKey(seed: try entry.hex("signature_priv")))
        var psks: [[UInt8]: [UInt8]] = [:]
        for case let item as [String: Any] in entry["external_psks"] as? [Any] ?? [] {
            psks[try item.hex("psk_id")] = try item.hex("psk")
        }
        guard case .welcome(let welcome) = try message(try entry.hex("welcome")).body else {
            throw VectorError.missing("welcome")
        }
        let tree = try (entry["ratchet_tree"] as? String).map { try RatchetTree(tlsSerialized: [UInt8](hex: $0)) }

        var group = try Group.join(
            welcome: welcome, bundle: bundle, ratchetTree: tree, externalPSKs: psks, suite: suite)
        guard group.epochAuthenticator == (try entry.hex("initial_epoch_authenticator")) else {
            return ["initial epoch authenticator differs"]
        }
        for (number, item) in try entry.array("epochs").enumerated() {
            guard let epoch = item as? [String: Any] else { throw VectorError.missing("epoch") }
            for case let proposal as String in epoch["proposals"] as? [Any] ?? [] {
                _ = try group.process(try message([UInt8](hex: proposal)), now: nil)
            }
            _ = try group.process(try message(try epoch.hex("commit")), now: nil)
            guard group.epochAuthenticator == (try epoch.hex("epoch_authenticator")) else {
                return ["epoch authenticator differs after epoch step \(number)"]
            }
        }
        return []
    }

    /// The harness itself, on a scenario recorded from our own members in the vector format:
    /// a passive member joins with an external PSK and the tree out of band, then follows
    /// commits with proposals by reference, an Update, a removal and an external join.
    @Test func harnessFollowsASyntheticScenario() throws {
        var rng = SeededGenerator(seed: 51)
        let now: UInt64 = 1_800_000_000
        let lifetime = Lifetime(notBefore: 0, notAfter: .max)
        func bundle(_ name: String) throws -> KeyPackageBundle {
            try KeyPackageBundle.generate(
                suite: suite, credential: .basic(identity: Array(name.utf8)), signatureKey: .generate(using: &rng),
                lifetime: lifetime, using: &rng)
        }
        var alice = try Group.create(
            suite: suite, groupID: [0x51], credential: .basic(identity: Array("alice".utf8)),
            signatureKey: .generate(using: &rng), lifetime: lifetime, using: &rng)
        let pskID: [UInt8] = [1, 2, 3]
        let psk = [UInt8](repeating: 0x33, count: 32)
        alice.addExternalPSK(id: pskID, secret: psk)
        let passive = try bundle("passive")
        let carolBundle = try bundle("carol")
        let joined = try alice.commit(
            adding: [passive.keyPackage.value, carolBundle.keyPackage.value], externalPSKs: [pskID], now: now,
            using: &rng)
        alice = joined.group
        guard case .welcome(let welcome) = joined.welcome?.body else {
            Issue.record("no welcome")
            return
        }
        var carol = try Group.join(welcome: welcome, bundle: carolBundle, externalPSKs: [pskID: psk], suite: suite)

        var epochs: [[String: Any]] = []
        // 1. Carol proposes an Add (public) and an Update (private); Alice commits both by reference.
        let dave = try bundle("dave")
        let addDave = try carol.propose(
            .add(Add(keyPackage: dave.keyPackage.value)), wireFormat: .publicMessage, now: now, using: &rng)
        let update = try carol.proposeUpdate(using: &rng)
        for proposal in [addDave, update] { _ = try alice.process(proposal, now: now) }
        let first = try alice.commit(now: now, using: &rng)
        alice = first.group
        _ = try carol.process(first.message, now: now)
        epochs.append([
            "proposals": [addDave.tlsSerialized.hex, update.tlsSerialized.hex],
            "commit": first.message.tlsSerialized.hex,
            "epoch_authenticator": alice.epochAuthenticator.hex,
        ])
        // 2. Carol removes Dave (leaf 3) with a PublicMessage commit.
        let second = try carol.commit(removing: [3], wireFormat: .publicMessage, now: now, using: &rng)
        carol = second.group
        _ = try alice.process(second.message, now: now)
        epochs.append([
            "proposals": [String](), "commit": second.message.tlsSerialized.hex,
            "epoch_authenticator": alice.epochAuthenticator.hex,
        ])
        // 3. Erin joins by external commit.
        guard case .groupInfo(let info) = try alice.groupInfo().body else {
            Issue.record("no group info")
            return
        }
        let external = try Group.joinByExternalCommit(
            groupInfo: info, credential: .basic(identity: Array("erin".utf8)), signatureKey: .generate(using: &rng),
            suite: suite, using: &rng)
        _ = try alice.process(external.message, now: now)
        epochs.append([
            "proposals": [String](), "commit": external.message.tlsSerialized.hex,
            "epoch_authenticator": alice.epochAuthenticator.hex,
        ])

        let entry: [String: Any] = [
            "cipher_suite": 1,
            "external_psks": [["psk_id": pskID.hex, "psk": psk.hex]],
            "key_package": MLSMessage(.keyPackage(passive.keyPackage.value)).tlsSerialized.hex,
            "signature_priv": passive.signatureKey.seed.hex,
            "encryption_priv": passive.encryptionKey.rawRepresentation.hex,
            "init_priv": passive.initKey.rawRepresentation.hex,
            "welcome": joined.welcome!.tlsSerialized.hex,
            "ratchet_tree": joined.group.tree.tlsSerialized.hex,
            "initial_epoch_authenticator": joined.group.epochAuthenticator.hex,
            "epochs": epochs,
        ]
        #expect(try scenario(entry) == [])
        // Wrong authenticators are noticed.
        var wrongStart = entry
        wrongStart["initial_epoch_authenticator"] = [UInt8](repeating: 0, count: 32).hex
        #expect(try scenario(wrongStart) == ["initial epoch authenticator differs"])
        var wrongEpoch = entry
        var tampered = epochs
        tampered[1]["epoch_authenticator"] = [UInt8](repeating: 0, count: 32).hex
        wrongEpoch["epochs"] = tampered
        #expect(try scenario(wrongEpoch) == ["epoch authenticator differs after epoch step 1"])
    }
}
