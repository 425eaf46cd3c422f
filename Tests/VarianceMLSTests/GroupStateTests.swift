import Testing

@testable import VarianceMLS

@Suite struct GroupStateTests {
    let suite = CipherSuite.mls128X25519
    let now: UInt64 = 1_800_000_000

    @Test func restoredStateContinuesTheConversation() throws {
        var rng = SeededGenerator(seed: 11)
        let lifetime = Lifetime(notBefore: now - 10, notAfter: now + 10)
        var alice = try Group.create(
            suite: suite, groupID: [7, 7], credential: .basic(identity: Array("alice".utf8)),
            signatureKey: .generate(using: &rng), lifetime: lifetime, using: &rng)
        let bobBundle = try KeyPackageBundle.generate(
            suite: suite, credential: .basic(identity: Array("bob".utf8)), signatureKey: .generate(using: &rng),
            lifetime: lifetime, using: &rng)
        let added = try alice.commit(adding: [bobBundle.keyPackage.value], now: now, using: &rng)
        alice = added.group
        guard case .welcome(let welcome) = added.welcome?.body else {
            Issue.record("no welcome")
            return
        }
        var bob = try Group.join(welcome: welcome, bundle: bobBundle, suite: suite)

        // Skip one message so Bob's ratchet holds a skipped key, and leave a proposal pending.
        let skipped = try alice.encrypt([1], using: &rng)
        let delivered = try alice.encrypt([2], using: &rng)
        _ = try bob.process(delivered, now: now)
        let proposal = try alice.proposeUpdate(using: &rng)
        _ = try bob.process(proposal, now: now)

        let bytes = bob.serializedState()
        var restored = try Group(serializedState: bytes)
        #expect(restored.serializedState() == bytes)
        #expect(restored.context == bob.context && restored.epochAuthenticator == bob.epochAuthenticator)
        #expect(restored.pendingProposalCount == 1)
        #expect(try restored.process(skipped, now: now) == .application(sender: 0, data: [1], authenticatedData: []))

        var restoredAlice = try Group(serializedState: alice.serializedState())
        let commit = try restored.commit(now: now, using: &rng)
        #expect(try restoredAlice.process(commit.message, now: now) == .commit(sender: 1, epoch: 2))
        #expect(
            try restoredAlice.exportSecret(label: "x", context: [], length: 16)
                == commit.group.exportSecret(label: "x", context: [], length: 16))
    }

    @Test func corruptStateIsRefused() throws {
        var rng = SeededGenerator(seed: 12)
        let group = try Group.create(
            suite: suite, groupID: [1], credential: .basic(identity: [1]), signatureKey: .generate(using: &rng),
            lifetime: Lifetime(notBefore: 0, notAfter: .max), using: &rng)
        let bytes = group.serializedState()
        #expect(throws: MLSError.self) { try Group(serializedState: [2] + bytes.dropFirst()) }
        for length in stride(from: 0, to: bytes.count, by: 7) {
            #expect(throws: MLSError.self) { try Group(serializedState: Array(bytes.prefix(length))) }
        }
        #expect(throws: MLSError.self) { try Group(serializedState: bytes + [0]) }
    }

    @Test func keyPackageBundleRoundTripsAndChecksItsKeys() throws {
        var rng = SeededGenerator(seed: 13)
        let bundle = try KeyPackageBundle.generate(
            suite: suite, credential: .basic(identity: [1]), signatureKey: .generate(using: &rng),
            lifetime: Lifetime(notBefore: now, notAfter: now), using: &rng)
        let restored = try KeyPackageBundle(serialized: bundle.serialized())
        #expect(restored.serialized() == bundle.serialized())
        #expect(restored.keyPackage == bundle.keyPackage)
        #expect(throws: MLSError.self) {
            try KeyPackageBundle(
                keyPackage: bundle.keyPackage, initKey: bundle.encryptionKey, encryptionKey: bundle.encryptionKey,
                signatureKey: bundle.signatureKey)
        }
    }
}
