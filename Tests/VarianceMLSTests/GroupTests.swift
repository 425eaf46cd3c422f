import Testing

@testable import VarianceMLS

/// Groups of two and three members passing bytes to each other, with no I/O.
@Suite struct GroupTests {
    let suite = CipherSuite.mls128X25519
    let now: UInt64 = 1_800_000_000
    let customExtension: UInt16 = 0xF0A1

    private var lifetime: Lifetime { Lifetime(notBefore: now - 3600, notAfter: now + 86_400) }
    private var capabilities: Capabilities { Capabilities(extensions: [customExtension]) }

    private func bundle(_ name: String, _ rng: inout SeededGenerator, lifetime: Lifetime? = nil) throws
        -> KeyPackageBundle
    {
        try KeyPackageBundle.generate(
            suite: suite, credential: .basic(identity: Array(name.utf8)),
            signatureKey: .generate(using: &rng), lifetime: lifetime ?? self.lifetime, capabilities: capabilities,
            using: &rng)
    }

    /// Sends bytes through the wire encoding, as a delivery service would.
    private func wire(_ message: MLSMessage) throws -> MLSMessage {
        try MLSMessage(tlsSerialized: message.tlsSerialized)
    }

    private func welcome(_ message: MLSMessage?) throws -> Welcome {
        guard let message, case .welcome(let welcome) = try wire(message).body else {
            throw MLSError.invalid("expected a welcome")
        }
        return welcome
    }

    private func exporter(_ group: Group) throws -> [UInt8] {
        try group.exportSecret(label: "variance test", context: [1, 2, 3], length: 32)
    }

    private func alice(_ rng: inout SeededGenerator) throws -> Group {
        try Group.create(
            suite: suite, groupID: Array("variance-group".utf8), credential: .basic(identity: Array("alice".utf8)),
            signatureKey: .generate(using: &rng), lifetime: lifetime, capabilities: capabilities, using: &rng)
    }

    /// Alice creates a group and adds Bob; returns both in epoch 1.
    private func twoMembers(_ rng: inout SeededGenerator) throws -> (Group, Group) {
        var alice = try alice(&rng)
        let bob = try bundle("bob", &rng)
        let result = try alice.commit(adding: [bob.keyPackage.value], now: now, using: &rng)
        alice = result.group
        let bobGroup = try Group.join(welcome: try welcome(result.welcome), bundle: bob, suite: suite)
        return (alice, bobGroup)
    }

    @Test func twoMembersAgreeAndExchangeMessages() throws {
        var rng = SeededGenerator(seed: 1)
        var (alice, bob) = try twoMembers(&rng)
        #expect(alice.epoch == 1 && bob.epoch == 1)
        #expect(alice.context == bob.context)
        #expect(alice.tree == bob.tree)
        #expect(alice.epochAuthenticator == bob.epochAuthenticator)
        #expect(try exporter(alice) == exporter(bob))
        #expect(bob.ownLeafIndex == 1)

        let hello = try alice.encrypt(Array("hello bob".utf8), authenticatedData: [9], paddingLength: 7, using: &rng)
        #expect(
            try bob.process(try wire(hello), now: now)
                == .application(sender: 0, data: Array("hello bob".utf8), authenticatedData: [9]))
        // Replaying the same message fails: its key is gone.
        #expect(throws: MLSError.self) { try bob.process(try wire(hello), now: now) }

        // Out-of-order delivery within the epoch.
        let first = try bob.encrypt(Array("one".utf8), using: &rng)
        let second = try bob.encrypt(Array("two".utf8), using: &rng)
        #expect(
            try alice.process(try wire(second), now: now)
                == .application(sender: 1, data: Array("two".utf8), authenticatedData: []))
        #expect(
            try alice.process(try wire(first), now: now)
                == .application(sender: 1, data: Array("one".utf8), authenticatedData: []))
    }

    @Test func threeMembersAddUpdateExtensionsAndRemove() throws {
        var rng = SeededGenerator(seed: 2)
        var (alice, bob) = try twoMembers(&rng)

        // Bob adds Charlie with a PublicMessage commit.
        let charlieBundle = try bundle("charlie", &rng)
        let addCharlie = try bob.commit(
            adding: [charlieBundle.keyPackage.value], wireFormat: .publicMessage, now: now, using: &rng)
        bob = addCharlie.group
        #expect(try alice.process(try wire(addCharlie.message), now: now) == .commit(sender: 1, epoch: 2))
        var charlie = try Group.join(welcome: try welcome(addCharlie.welcome), bundle: charlieBundle, suite: suite)
        for group in [alice, charlie] {
            #expect(group.context == bob.context)
            #expect(try exporter(group) == exporter(bob))
        }

        // Charlie proposes an Update; Alice commits it by reference.
        let update = try charlie.proposeUpdate(using: &rng)
        let oldCharlieKey = charlie.tree.leaf(2)?.encryptionKey
        guard case .proposal(sender: .member(2), proposal: .update) = try alice.process(try wire(update), now: now)
        else {
            Issue.record("Alice did not see Charlie's update")
            return
        }
        _ = try bob.process(try wire(update), now: now)
        #expect(throws: MLSError.self) { try alice.encrypt([1], using: &rng) }  // must commit first
        let commitUpdate = try alice.commit(now: now, using: &rng)
        alice = commitUpdate.group
        #expect(commitUpdate.welcome == nil)
        #expect(try bob.process(try wire(commitUpdate.message), now: now) == .commit(sender: 0, epoch: 3))
        #expect(try charlie.process(try wire(commitUpdate.message), now: now) == .commit(sender: 0, epoch: 3))
        #expect(charlie.tree.leaf(2)?.encryptionKey != oldCharlieKey)
        #expect(try exporter(alice) == exporter(bob) && exporter(bob) == exporter(charlie))

        // Charlie changes the group context extensions in a commit.
        let extensions = [Extension(extensionType: customExtension, extensionData: [42])]
        let changeExtensions = try charlie.commit(groupContextExtensions: extensions, now: now, using: &rng)
        charlie = changeExtensions.group
        _ = try alice.process(try wire(changeExtensions.message), now: now)
        _ = try bob.process(try wire(changeExtensions.message), now: now)
        for group in [alice, bob, charlie] { #expect(group.context.extensions == extensions) }
        #expect(alice.context == charlie.context)

        // Alice proposes removing Bob; Charlie commits it.
        let removeBob = try alice.propose(.remove(Remove(removed: 1)), now: now, using: &rng)
        _ = try charlie.process(try wire(removeBob), now: now)
        _ = try bob.process(try wire(removeBob), now: now)
        let bobIgnoringRemoval = bob
        let commitRemove = try charlie.commit(now: now, using: &rng)
        charlie = commitRemove.group
        #expect(try alice.process(try wire(commitRemove.message), now: now) == .commit(sender: 2, epoch: 5))
        #expect(try bob.process(try wire(commitRemove.message), now: now) == .removed(by: 2))
        #expect(!bob.isActive)
        #expect(alice.members.keys.sorted() == [0, 2])
        #expect(try exporter(alice) == exporter(charlie))
        #expect(throws: MLSError.self) { try exporter(bob) }

        // Bob can no longer read the group.
        let secret = try alice.encrypt(Array("after bob left".utf8), using: &rng)
        #expect(
            try charlie.process(try wire(secret), now: now)
                == .application(sender: 0, data: Array("after bob left".utf8), authenticatedData: []))
        #expect(throws: MLSError.self) { try bob.process(try wire(secret), now: now) }
        // A Bob that ignores the commit removing him stays in the old epoch and cannot decrypt.
        var stubborn = bobIgnoringRemoval
        #expect(stubborn.isActive && stubborn.epoch == 4)
        #expect(throws: MLSError.self) { try stubborn.process(try wire(secret), now: now) }
    }

    @Test func expiredKeyPackagesAreRefused() throws {
        var rng = SeededGenerator(seed: 3)
        var alice = try alice(&rng)
        let old = try bundle("old", &rng, lifetime: Lifetime(notBefore: now - 7200, notAfter: now - 3600))
        #expect(throws: MLSError.self) { try alice.commit(adding: [old.keyPackage.value], now: now, using: &rng) }
        let future = try bundle("future", &rng, lifetime: Lifetime(notBefore: now + 60, notAfter: now + 7200))
        #expect(throws: MLSError.self) { try alice.commit(adding: [future.keyPackage.value], now: now, using: &rng) }
        #expect(alice.epoch == 0)
    }

    @Test func tamperedCommitLeavesStateUnchanged() throws {
        var rng = SeededGenerator(seed: 4)
        var (alice, bob) = try twoMembers(&rng)
        let result = try alice.commit(wireFormat: .publicMessage, now: now, using: &rng)
        guard case .publicMessage(var message) = result.message.body,
            case .commit(var commit) = message.content.body
        else {
            Issue.record("expected a public commit")
            return
        }
        commit.path?.nodes[0].encryptionKey[0] ^= 1
        message.content.body = .commit(commit)
        let before = bob.context
        #expect(throws: MLSError.self) { try bob.process(MLSMessage(.publicMessage(message)), now: now) }
        #expect(bob.context == before)
        #expect(try bob.process(try wire(result.message), now: now) == .commit(sender: 0, epoch: 2))
        alice = result.group
        #expect(try exporter(alice) == exporter(bob))
    }

    @Test func lateApplicationMessagesOfThePreviousEpochOnly() throws {
        var rng = SeededGenerator(seed: 5)
        var (alice, bob) = try twoMembers(&rng)
        let late = try bob.encrypt([1, 2, 3], using: &rng)
        let later = try bob.encrypt([4], using: &rng)
        let proposal = try bob.proposeUpdate(using: &rng)
        let result = try alice.commit(now: now, using: &rng)
        alice = result.group
        #expect(alice.previousEpochNumber == 1)
        // Application data sent before the commit still opens; an old proposal does not.
        #expect(
            try alice.process(try wire(late), now: now)
                == .application(sender: 1, data: [1, 2, 3], authenticatedData: []))
        #expect(throws: MLSError.self) { try alice.process(try wire(proposal), now: now) }
        _ = try bob.process(try wire(result.message), now: now)
        let fresh = try bob.encrypt([5], using: &rng)
        #expect(
            try alice.process(try wire(fresh), now: now) == .application(sender: 1, data: [5], authenticatedData: []))

        // The kept epoch survives serialization, and is gone once forgotten.
        var restored = try Group(serializedState: alice.serializedState())
        #expect(restored.previousEpochNumber == 1)
        var forgetful = alice
        forgetful.forgetPreviousEpoch()
        #expect(throws: MLSError.self) { try forgetful.process(try wire(later), now: now) }
        #expect(
            try restored.process(try wire(later), now: now) == .application(sender: 1, data: [4], authenticatedData: [])
        )

        // Two epochs back is too late.
        let stale = try bob.encrypt([6], using: &rng)
        var twice = alice
        twice = try twice.commit(now: now, using: &rng).group
        twice = try twice.commit(now: now, using: &rng).group
        #expect(throws: MLSError.self) { try twice.process(try wire(stale), now: now) }
    }

    @Test func oneWelcomeForTwoNewMembersAndSoloCommits() throws {
        var rng = SeededGenerator(seed: 6)
        var alice = try alice(&rng)
        // A lone member may commit with no proposals (an empty filtered direct path).
        let before = try exporter(alice)
        alice = try alice.commit(now: now, using: &rng).group
        #expect(alice.epoch == 1)
        #expect(try exporter(alice) != before)

        let bobBundle = try bundle("bob", &rng)
        let carolBundle = try bundle("carol", &rng)
        let result = try alice.commit(
            adding: [bobBundle.keyPackage.value, carolBundle.keyPackage.value], now: now, using: &rng)
        alice = result.group
        let welcome = try welcome(result.welcome)
        #expect(welcome.secrets.count == 2)
        var bob = try Group.join(welcome: welcome, bundle: bobBundle, suite: suite)
        var carol = try Group.join(welcome: welcome, bundle: carolBundle, suite: suite)
        #expect(bob.ownLeafIndex == 1 && carol.ownLeafIndex == 2)
        #expect(try exporter(bob) == exporter(alice) && exporter(carol) == exporter(alice))
        // Adding the same client twice is refused.
        #expect(throws: MLSError.self) {
            try alice.commit(adding: [bobBundle.keyPackage.value], now: now, using: &rng)
        }

        // Carol commits; Bob, who sits in the same subtree, and Alice follow.
        let commit = try carol.commit(now: now, using: &rng)
        carol = commit.group
        _ = try bob.process(try wire(commit.message), now: now)
        _ = try alice.process(try wire(commit.message), now: now)
        #expect(try exporter(bob) == exporter(carol) && exporter(alice) == exporter(carol))
    }

    @Test func requiredCapabilitiesAreEnforced() throws {
        var rng = SeededGenerator(seed: 7)
        var (alice, _) = try twoMembers(&rng)
        let unsupported = RequiredCapabilities(extensionTypes: [0xF0B2])
        let requireUnsupported = [
            Extension(extensionType: ExtensionType.requiredCapabilities, extensionData: unsupported.tlsSerialized)
        ]
        #expect(throws: MLSError.self) {
            try alice.commit(groupContextExtensions: requireUnsupported, now: now, using: &rng)
        }
        let supported = RequiredCapabilities(extensionTypes: [customExtension])
        let requireSupported = [
            Extension(extensionType: ExtensionType.requiredCapabilities, extensionData: supported.tlsSerialized)
        ]
        alice = try alice.commit(groupContextExtensions: requireSupported, now: now, using: &rng).group
        // A newcomer without the required extension cannot be added.
        let plain = try KeyPackageBundle.generate(
            suite: suite, credential: .basic(identity: Array("plain".utf8)), signatureKey: .generate(using: &rng),
            lifetime: lifetime, using: &rng)
        #expect(throws: MLSError.self) { try alice.commit(adding: [plain.keyPackage.value], now: now, using: &rng) }
        let capable = try bundle("capable", &rng)
        #expect(try alice.commit(adding: [capable.keyPackage.value], now: now, using: &rng).welcome != nil)
    }

    @Test func addOnlyCommitWithoutPath() throws {
        var rng = SeededGenerator(seed: 9)
        var (alice, bob) = try twoMembers(&rng)
        #expect(throws: MLSError.self) { try alice.commit(includePath: false, now: now, using: &rng) }
        #expect(throws: MLSError.self) { try alice.commit(removing: [1], includePath: false, now: now, using: &rng) }
        let carolBundle = try bundle("carol", &rng)
        let result = try alice.commit(adding: [carolBundle.keyPackage.value], includePath: false, now: now, using: &rng)
        guard case .privateMessage = result.message.body else {
            Issue.record("expected a private commit")
            return
        }
        alice = result.group
        #expect(try bob.process(try wire(result.message), now: now) == .commit(sender: 0, epoch: 2))
        var carol = try Group.join(welcome: try welcome(result.welcome), bundle: carolBundle, suite: suite)
        #expect(try exporter(alice) == exporter(bob) && exporter(carol) == exporter(bob))
        // The tree grew to four leaves with a blank root; Carol's commit fills her path.
        #expect(alice.tree.leafCount == 4 && alice.tree.parent(alice.tree.root) == nil)
        let next = try carol.commit(now: now, using: &rng)
        carol = next.group
        _ = try alice.process(try wire(next.message), now: now)
        _ = try bob.process(try wire(next.message), now: now)
        #expect(try exporter(alice) == exporter(carol) && exporter(bob) == exporter(carol))
        #expect(alice.tree.parent(alice.tree.root)?.unmergedLeaves == [])
        #expect(alice.tree == carol.tree)
    }

    @Test func leafExtensionsAndPendingProposalsAreVisible() throws {
        var rng = SeededGenerator(seed: 10)
        var (alice, bob) = try twoMembers(&rng)
        let appID = Extension(extensionType: ExtensionType.applicationID, extensionData: Array("device-7".utf8))
        let carol = try KeyPackageBundle.generate(
            suite: suite, credential: .basic(identity: Array("carol".utf8)), signatureKey: .generate(using: &rng),
            lifetime: lifetime, capabilities: capabilities, leafExtensions: [appID], using: &rng)
        let proposal = try bob.propose(.add(Add(keyPackage: carol.keyPackage.value)), now: now, using: &rng)
        _ = try alice.process(try wire(proposal), now: now)
        #expect(alice.pendingProposals.count == 1 && alice.pendingProposals.first?.sender == .member(1))
        let result = try alice.commit(now: now, using: &rng)
        #expect(result.group.members[2]?.extensions == [appID])
        // A leaf extension the leaf does not list in its capabilities is refused.
        let unlisted = try KeyPackageBundle.generate(
            suite: suite, credential: .basic(identity: Array("dave".utf8)), signatureKey: .generate(using: &rng),
            lifetime: lifetime, capabilities: capabilities,
            leafExtensions: [Extension(extensionType: 0xF0C3, extensionData: [])], using: &rng)
        #expect(throws: MLSError.self) {
            try alice.commit(adding: [unlisted.keyPackage.value], now: now, using: &rng)
        }
    }

    /// RFC 9420 §7.9, Figure 21: when a parent's unmerged leaf sits under the sibling
    /// subtree, the original sibling tree hash blanks it *and* strips it from the unmerged
    /// lists below. Built so that a joiner's parent-hash check depends on the stripping.
    @Test func originalSiblingTreeHashStripsUnmergedLeaves() throws {
        var rng = SeededGenerator(seed: 12)
        var members = [try alice(&rng)]
        let bundles = try (1...7).map { try bundle("m\($0)", &rng) }
        let added = try members[0].commit(adding: bundles.map(\.keyPackage.value), now: now, using: &rng)
        members[0] = added.group
        for bundle in bundles {
            members.append(try Group.join(welcome: try welcome(added.welcome), bundle: bundle, suite: suite))
        }

        func commit(by index: Int, removing: [UInt32] = [], adding: [UnverifiedKeyPackage] = [], path: Bool = true)
            throws
            -> MLSMessage?
        {
            let result = try members[index].commit(
                adding: adding, removing: removing, includePath: path, now: now, using: &rng)
            for other in members.indices where other != index && members[other].isActive {
                _ = try members[other].process(try wire(result.message), now: now)
            }
            members[index] = result.group
            members.removeAll { !$0.isActive }
            return result.welcome
        }
        _ = try commit(by: 0, removing: [7])  // leaf 7 blank; its path blanked
        _ = try commit(by: 4)  // leaf 4 sets nodes 9, 11 (Y) and 7 (P)
        _ = try commit(by: 0)  // leaf 0 re-sets P = 7 over sibling Y = 11
        #expect(members[0].tree.parent(11) != nil && members[0].tree.parent(7) != nil)
        let frank = try bundle("frank", &rng)
        let welcomeFrank = try commit(by: 1, adding: [frank.keyPackage.value], path: false)
        #expect(members[0].tree.parent(11)?.unmergedLeaves == [7])
        #expect(members[0].tree.parent(7)?.unmergedLeaves == [7])
        let joined = try Group.join(welcome: try welcome(welcomeFrank), bundle: frank, suite: suite)
        #expect(joined.ownLeafIndex == 7)
        #expect(try exporter(joined) == exporter(members[0]))
    }

    @Test func welcomeWithoutTheTreeNeedsItOutOfBand() throws {
        var rng = SeededGenerator(seed: 13)
        var alice = try alice(&rng)
        let bobBundle = try bundle("bob", &rng)
        let result = try alice.commit(
            adding: [bobBundle.keyPackage.value], ratchetTreeInWelcome: false, now: now, using: &rng)
        alice = result.group
        let welcome = try welcome(result.welcome)
        #expect(throws: MLSError.self) { try Group.join(welcome: welcome, bundle: bobBundle, suite: suite) }
        let bob = try Group.join(welcome: welcome, bundle: bobBundle, ratchetTree: alice.tree, suite: suite)
        #expect(try exporter(bob) == exporter(alice))
        // A tree that is not the group's is refused.
        #expect(throws: MLSError.self) {
            try Group.join(
                welcome: welcome, bundle: bobBundle, ratchetTree: RatchetTree(creator: alice.tree.leaf(0)!),
                suite: suite)
        }
    }
}
