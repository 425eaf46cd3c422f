import Testing

@testable import VarianceMLS

@Suite struct GroupNonMemberProposalTests {
    let suite = CipherSuite.mls128X25519
    let now: UInt64 = 1_800_000_000
    let lifetime = Lifetime(notBefore: 0, notAfter: .max)

    private func bundle(_ name: String, _ rng: inout SeededGenerator) throws -> KeyPackageBundle {
        try KeyPackageBundle.generate(
            suite: suite, credential: .basic(identity: Array(name.utf8)), signatureKey: .generate(using: &rng),
            lifetime: lifetime, using: &rng)
    }

    @Test func externalSenderAndSelfAddProposals() throws {
        var rng = SeededGenerator(seed: 61)
        let server = SignaturePrivateKey.generate(using: &rng)
        let senders = TLSWriter.vector([
            ExternalSender(signatureKey: server.publicKey, credential: .basic(identity: [7]))
        ])
        var alice = try Group.create(
            suite: suite, groupID: [6, 1], credential: .basic(identity: Array("alice".utf8)),
            signatureKey: .generate(using: &rng), lifetime: lifetime,
            extensions: [Extension(extensionType: ExtensionType.externalSenders, extensionData: senders)], using: &rng)
        let bobBundle = try bundle("bob", &rng)
        let added = try alice.commit(adding: [bobBundle.keyPackage.value], now: now, using: &rng)
        alice = added.group
        guard case .welcome(let welcome) = added.welcome?.body else {
            Issue.record("no welcome")
            return
        }
        var bob = try Group.join(welcome: welcome, bundle: bobBundle, suite: suite)

        // The server proposes adding Carol; Dave asks to be added himself.
        let carolBundle = try bundle("carol", &rng)
        let serverAdd = try Group.externalProposal(
            .add(Add(keyPackage: carolBundle.keyPackage.value)), senderIndex: 0, signatureKey: server,
            groupContext: alice.context, suite: suite)
        let daveBundle = try bundle("dave", &rng)
        let daveRequest = try Group.requestToJoin(groupContext: alice.context, bundle: daveBundle, suite: suite)
        for message in [serverAdd, daveRequest] {
            _ = try bob.process(message, now: now)
        }
        guard case .proposal(sender: .external(0), proposal: .add) = try alice.process(serverAdd, now: now),
            case .proposal(sender: .newMemberProposal, proposal: .add) = try alice.process(daveRequest, now: now)
        else {
            Issue.record("proposals from non-members were not reported as such")
            return
        }
        let commit = try alice.commit(now: now, using: &rng)
        alice = commit.group
        #expect(try bob.process(commit.message, now: now) == .commit(sender: 0, epoch: 2))
        guard case .welcome(let newcomers) = commit.welcome?.body else {
            Issue.record("no welcome for the newcomers")
            return
        }
        let carol = try Group.join(welcome: newcomers, bundle: carolBundle, suite: suite)
        let dave = try Group.join(welcome: newcomers, bundle: daveBundle, suite: suite)
        #expect(alice.members.count == 4)
        for group in [bob, carol, dave] { #expect(group.epochAuthenticator == alice.epochAuthenticator) }

        // An unknown external sender, a forged signature and an Update from outside are refused.
        let stranger = SignaturePrivateKey.generate(using: &rng)
        let forged = try Group.externalProposal(
            .remove(Remove(removed: 1)), senderIndex: 0, signatureKey: stranger, groupContext: alice.context,
            suite: suite)
        #expect(throws: MLSError.self) { try alice.process(forged, now: now) }
        let unknownIndex = try Group.externalProposal(
            .remove(Remove(removed: 1)), senderIndex: 5, signatureKey: server, groupContext: alice.context, suite: suite
        )
        #expect(throws: MLSError.self) { try alice.process(unknownIndex, now: now) }
        guard let bobLeaf = alice.tree.leaf(1) else {
            Issue.record("bob's leaf is missing")
            return
        }
        let outsideUpdate = try Group.externalProposal(
            .update(Update(leafNode: bobLeaf)), senderIndex: 0, signatureKey: server, groupContext: alice.context,
            suite: suite)
        #expect(throws: MLSError.self) { try alice.process(outsideUpdate, now: now) }
    }
}
