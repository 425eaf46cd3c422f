import Testing

@testable import VarianceMLS

@Suite struct GroupPSKTests {
    let suite = CipherSuite.mls128X25519
    let now: UInt64 = 1_800_000_000

    private func bundle(_ name: String, _ rng: inout SeededGenerator) throws -> KeyPackageBundle {
        try KeyPackageBundle.generate(
            suite: suite, credential: .basic(identity: Array(name.utf8)), signatureKey: .generate(using: &rng),
            lifetime: Lifetime(notBefore: now - 1, notAfter: now + 1), using: &rng)
    }

    private func welcome(_ message: MLSMessage?) throws -> Welcome {
        guard case .welcome(let welcome) = message?.body else { throw MLSError.invalid("expected a welcome") }
        return welcome
    }

    @Test func externalPSKBindsTheNewEpoch() throws {
        var rng = SeededGenerator(seed: 21)
        let pskID = Array("team-psk".utf8)
        let pskSecret = [UInt8](repeating: 0x5A, count: 32)
        var alice = try Group.create(
            suite: suite, groupID: [3], credential: .basic(identity: Array("alice".utf8)),
            signatureKey: .generate(using: &rng), lifetime: Lifetime(notBefore: 0, notAfter: .max), using: &rng)
        alice.addExternalPSK(id: pskID, secret: pskSecret)
        let bob = try bundle("bob", &rng)
        let result = try alice.commit(adding: [bob.keyPackage.value], externalPSKs: [pskID], now: now, using: &rng)
        let welcome = try welcome(result.welcome)

        // Without the PSK the Welcome cannot be used; with a wrong one the join fails too.
        #expect(throws: MLSError.self) { try Group.join(welcome: welcome, bundle: bob, suite: suite) }
        #expect(throws: MLSError.self) {
            try Group.join(
                welcome: welcome, bundle: bob, externalPSKs: [pskID: [UInt8](repeating: 1, count: 32)], suite: suite)
        }
        var bobGroup = try Group.join(welcome: welcome, bundle: bob, externalPSKs: [pskID: pskSecret], suite: suite)
        alice = result.group
        #expect(bobGroup.epochAuthenticator == alice.epochAuthenticator)

        // A commit without the PSK gives a different epoch than one with it, and both sides agree.
        let withPSK = try bobGroup.commit(externalPSKs: [pskID], now: now, using: &rng)
        #expect(try alice.process(withPSK.message, now: now) == .commit(sender: 1, epoch: 2))
        bobGroup = withPSK.group
        #expect(alice.epochAuthenticator == bobGroup.epochAuthenticator)

        // A PSK proposal for a key the receiver lacks is refused.
        var carol = try Group.create(
            suite: suite, groupID: [4], credential: .basic(identity: Array("carol".utf8)),
            signatureKey: .generate(using: &rng), lifetime: Lifetime(notBefore: 0, notAfter: .max), using: &rng)
        #expect(throws: MLSError.self) { try carol.commit(externalPSKs: [pskID], now: now, using: &rng) }
    }

    @Test func resumptionPSKFromAnEarlierEpochIsAccepted() throws {
        var rng = SeededGenerator(seed: 22)
        var alice = try Group.create(
            suite: suite, groupID: [5], credential: .basic(identity: Array("alice".utf8)),
            signatureKey: .generate(using: &rng), lifetime: Lifetime(notBefore: 0, notAfter: .max), using: &rng)
        let bobBundle = try bundle("bob", &rng)
        let added = try alice.commit(adding: [bobBundle.keyPackage.value], now: now, using: &rng)
        alice = added.group
        var bob = try Group.join(welcome: try welcome(added.welcome), bundle: bobBundle, suite: suite)
        let next = try alice.commit(now: now, using: &rng)
        alice = next.group
        _ = try bob.process(next.message, now: now)

        // Bob proposes the resumption PSK of epoch 1 (both were members then); Alice commits it.
        let id = PreSharedKeyID(
            kind: .resumption(usage: 1, groupID: [5], epoch: 1), nonce: [UInt8](repeating: 9, count: 32))
        let proposal = try bob.propose(.preSharedKey(PreSharedKeyProposal(psk: id)), now: now, using: &rng)
        #expect(
            try alice.process(proposal, now: now)
                == .proposal(sender: .member(1), proposal: .preSharedKey(PreSharedKeyProposal(psk: id))))
        let commit = try alice.commit(now: now, using: &rng)
        alice = commit.group
        #expect(try bob.process(commit.message, now: now) == .commit(sender: 0, epoch: 3))
        #expect(alice.epochAuthenticator == bob.epochAuthenticator)

        // An epoch nobody remembers is unavailable.
        let unknown = PreSharedKeyID(
            kind: .resumption(usage: 1, groupID: [5], epoch: 99), nonce: [UInt8](repeating: 9, count: 32))
        #expect(throws: MLSError.self) {
            try bob.propose(.preSharedKey(PreSharedKeyProposal(psk: unknown)), now: now, using: &rng)
        }
    }
}
