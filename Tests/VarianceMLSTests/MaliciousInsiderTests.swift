import Testing

@testable import VarianceMLS

/// A member who signs and MACs commits correctly but fills them with nonsense: every one
/// must be refused with an error (never a trap), and the receiver's state must not move.
@Suite struct MaliciousInsiderTests {
    let suite = CipherSuite.mls128X25519
    let now: UInt64 = 1_800_000_000

    /// Alice, Bob and Carol in epoch 2.
    private func trio(_ rng: inout SeededGenerator) throws -> (Group, Group, Group) {
        let lifetime = Lifetime(notBefore: 0, notAfter: .max)
        var alice = try Group.create(
            suite: suite, groupID: [0xEE], credential: .basic(identity: Array("alice".utf8)),
            signatureKey: .generate(using: &rng), lifetime: lifetime, using: &rng)
        let bundles = try ["bob", "carol"].map { name in
            try KeyPackageBundle.generate(
                suite: suite, credential: .basic(identity: Array(name.utf8)), signatureKey: .generate(using: &rng),
                lifetime: lifetime, using: &rng)
        }
        let added = try alice.commit(adding: bundles.map(\.keyPackage.value), now: now, using: &rng)
        alice = added.group
        guard case .welcome(let welcome) = added.welcome?.body else { throw MLSError.invalid("no welcome") }
        return (
            alice, try Group.join(welcome: welcome, bundle: bundles[0], suite: suite),
            try Group.join(welcome: welcome, bundle: bundles[1], suite: suite)
        )
    }

    /// Re-signs `commit` as `sender` and wraps it with a valid membership tag.
    private func forge(_ commit: Commit, by sender: Group, tag: [UInt8]) throws -> MLSMessage {
        let content = FramedContent(
            groupID: sender.groupID, epoch: sender.epoch, sender: .member(sender.ownLeafIndex), authenticatedData: [],
            body: .commit(commit))
        let signed = try AuthenticatedContent.sign(
            suite: suite, key: sender.signatureKey, wireFormat: .publicMessage, content: content,
            context: sender.context, confirmationTag: tag)
        return MLSMessage(
            .publicMessage(
                try PublicMessage.protect(
                    signed, suite: suite, membershipKey: sender.secrets.membershipKey, context: sender.context)))
    }

    @Test func forgedCommitsAreRefusedWithoutTrapping() throws {
        var rng = SeededGenerator(seed: 71)
        var (alice, bob, _) = try trio(&rng)
        var scratch = bob
        let honest = try scratch.commit(wireFormat: .publicMessage, now: now, using: &rng)
        guard case .publicMessage(let message) = honest.message.body, case .commit(let commit) = message.content.body,
            let path = commit.path, let tag = message.auth.confirmationTag
        else {
            Issue.record("expected a public commit with a path")
            return
        }
        #expect(try alice.processed(honest.message, now: now).0 == .commit(sender: 1, epoch: 2))

        var forgeries: [Commit] = []
        func variant(_ change: (inout Commit) -> Void) {
            var copy = commit
            change(&copy)
            forgeries.append(copy)
        }
        variant { $0.path?.nodes.removeLast() }
        variant { $0.path?.nodes.append(path.nodes[0]) }
        variant { $0.path?.nodes[0].encryptedPathSecret = [] }
        variant { $0.path?.nodes[0].encryptedPathSecret += path.nodes[0].encryptedPathSecret }
        variant { $0.path?.nodes[0].encryptionKey = [1, 2, 3] }
        variant { $0.path?.nodes[1].encryptedPathSecret[0].kemOutput = [UInt8](repeating: 9, count: 32) }
        variant { $0.path?.leafNode.source = .keyPackage(Lifetime(notBefore: 0, notAfter: .max)) }
        variant { $0.path?.leafNode.encryptionKey = path.nodes[0].encryptionKey }
        variant { $0.path?.leafNode.signatureKey = alice.tree.leaf(0)?.signatureKey ?? [] }
        variant { $0.path = nil }
        variant { $0.proposals = [.proposal(.remove(Remove(removed: UInt32.max)))] }
        variant { $0.proposals = [.proposal(.remove(Remove(removed: 1_000)))] }
        variant { $0.proposals = [.proposal(.remove(Remove(removed: 1)))] }
        variant { $0.proposals = [.proposal(.remove(Remove(removed: 2))), .proposal(.remove(Remove(removed: 2)))] }
        variant { $0.proposals = [.reference([UInt8](repeating: 0, count: 32))] }
        variant { $0.proposals = [.proposal(.externalInit(ExternalInit(kemOutput: [1])))] }
        variant {
            $0.proposals = [
                .proposal(.groupContextExtensions(GroupContextExtensions(extensions: []))),
                .proposal(.groupContextExtensions(GroupContextExtensions(extensions: []))),
            ]
        }
        if let aliceLeaf = alice.tree.leaf(0) {
            variant { $0.proposals = [.proposal(.update(Update(leafNode: aliceLeaf)))] }
        }

        let before = alice.serializedState()
        for (index, forged) in forgeries.enumerated() {
            let message = try forge(forged, by: bob, tag: tag)
            #expect(throws: MLSError.self, "forgery \(index)") { try alice.process(message, now: now) }
        }
        #expect(alice.serializedState() == before)
        // After all that, the honest commit still applies.
        #expect(try alice.process(honest.message, now: now) == .commit(sender: 1, epoch: 2))
        bob = honest.group
        #expect(alice.epochAuthenticator == bob.epochAuthenticator)
    }
}
