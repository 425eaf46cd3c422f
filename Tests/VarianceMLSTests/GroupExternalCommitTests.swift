import Testing

@testable import VarianceMLS

@Suite struct GroupExternalCommitTests {
    let suite = CipherSuite.mls128X25519
    let now: UInt64 = 1_800_000_000

    private func groupInfo(_ message: MLSMessage) throws -> UnverifiedGroupInfo {
        guard case .groupInfo(let info) = try MLSMessage(tlsSerialized: message.tlsSerialized).body else {
            throw MLSError.invalid("expected a group info")
        }
        return info
    }

    private func exporter(_ group: Group) throws -> [UInt8] {
        try group.exportSecret(label: "external", context: [], length: 32)
    }

    /// Alice and Bob in epoch 1.
    private func pair(_ rng: inout SeededGenerator) throws -> (Group, Group, KeyPackageBundle) {
        var alice = try Group.create(
            suite: suite, groupID: [9, 9], credential: .basic(identity: Array("alice".utf8)),
            signatureKey: .generate(using: &rng), lifetime: Lifetime(notBefore: 0, notAfter: .max), using: &rng)
        let bobBundle = try KeyPackageBundle.generate(
            suite: suite, credential: .basic(identity: Array("bob".utf8)), signatureKey: .generate(using: &rng),
            lifetime: Lifetime(notBefore: 0, notAfter: .max), using: &rng)
        let added = try alice.commit(adding: [bobBundle.keyPackage.value], now: now, using: &rng)
        alice = added.group
        guard case .welcome(let welcome) = added.welcome?.body else { throw MLSError.invalid("no welcome") }
        return (alice, try Group.join(welcome: welcome, bundle: bobBundle, suite: suite), bobBundle)
    }

    @Test func newcomerJoinsByExternalCommit() throws {
        var rng = SeededGenerator(seed: 41)
        var (alice, bob, _) = try pair(&rng)
        let info = try groupInfo(try alice.groupInfo())
        let (commit, joined) = try Group.joinByExternalCommit(
            groupInfo: info, credential: .basic(identity: Array("carol".utf8)), signatureKey: .generate(using: &rng),
            suite: suite, using: &rng)
        var carol = joined
        #expect(carol.ownLeafIndex == 2 && carol.epoch == 2)
        #expect(try alice.process(commit, now: now) == .commit(sender: 2, epoch: 2))
        #expect(try bob.process(commit, now: now) == .commit(sender: 2, epoch: 2))
        #expect(try exporter(alice) == exporter(carol) && exporter(bob) == exporter(carol))
        #expect(alice.tree == carol.tree)

        let hello = try carol.encrypt(Array("hi all".utf8), using: &rng)
        #expect(
            try alice.process(hello, now: now)
                == .application(sender: 2, data: Array("hi all".utf8), authenticatedData: []))
        // The next regular commit works for everyone.
        let next = try bob.commit(now: now, using: &rng)
        bob = next.group
        _ = try alice.process(next.message, now: now)
        _ = try carol.process(next.message, now: now)
        #expect(try exporter(alice) == exporter(bob) && exporter(carol) == exporter(bob))
    }

    @Test func memberResyncsItsOwnLeafAndTheTreeTravelsOutOfBand() throws {
        var rng = SeededGenerator(seed: 42)
        var (alice, bob, _) = try pair(&rng)
        let oldBob = bob
        let info = try groupInfo(try alice.groupInfo(includeRatchetTree: false))
        #expect(throws: MLSError.self) {
            try Group.joinByExternalCommit(
                groupInfo: info, credential: .basic(identity: Array("bob".utf8)), signatureKey: .generate(using: &rng),
                suite: suite, using: &rng)
        }
        let (commit, rejoined) = try Group.joinByExternalCommit(
            groupInfo: info, ratchetTree: alice.tree, credential: .basic(identity: Array("bob".utf8)),
            signatureKey: .generate(using: &rng), resyncing: 1, suite: suite, using: &rng)
        bob = rejoined
        #expect(try alice.process(commit, now: now) == .commit(sender: 1, epoch: 2))
        #expect(try exporter(alice) == exporter(bob))
        #expect(alice.members.count == 2)
        var stale = oldBob
        #expect(try stale.process(commit, now: now) == .removed(by: 1))
    }

    @Test func forgedExternalCommitsAreRefused() throws {
        var rng = SeededGenerator(seed: 43)
        var (alice, _, _) = try pair(&rng)
        let info = try groupInfo(try alice.groupInfo())
        let (commit, _) = try Group.joinByExternalCommit(
            groupInfo: info, credential: .basic(identity: Array("mallory".utf8)), signatureKey: .generate(using: &rng),
            suite: suite, using: &rng)
        guard case .publicMessage(var message) = commit.body else {
            Issue.record("external commit is not a PublicMessage")
            return
        }
        var badTag = message
        badTag.auth.confirmationTag?[0] ^= 1
        #expect(throws: MLSError.self) { try alice.process(MLSMessage(.publicMessage(badTag)), now: now) }
        message.auth.signature[0] ^= 1
        #expect(throws: MLSError.self) { try alice.process(MLSMessage(.publicMessage(message)), now: now) }
        #expect(alice.epoch == 1)
        // A GroupInfo whose signature does not verify is refused by the joiner.
        var forgedInfo = info
        forgedInfo.groupContext.epoch += 1
        #expect(throws: MLSError.self) {
            try Group.joinByExternalCommit(
                groupInfo: forgedInfo, credential: .basic(identity: [1]), signatureKey: .generate(using: &rng),
                suite: suite, using: &rng)
        }
    }
}
