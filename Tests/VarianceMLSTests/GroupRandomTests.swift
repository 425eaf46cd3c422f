import Testing

@testable import VarianceMLS

/// Random walks: members join, leave, update, propose and commit in a seeded random order,
/// every message goes through the wire encoding to every other member, and after each step
/// all members must agree on the epoch authenticator, the tree and the exporter.
@Suite struct GroupRandomTests {
    let suite = CipherSuite.mls128X25519
    let now: UInt64 = 1_800_000_000

    private func wire(_ message: MLSMessage) throws -> MLSMessage {
        try MLSMessage(tlsSerialized: message.tlsSerialized)
    }

    private func newBundle(_ id: Int, _ rng: inout SeededGenerator) throws -> KeyPackageBundle {
        try KeyPackageBundle.generate(
            suite: suite, credential: .basic(identity: Array("member-\(id)".utf8)),
            signatureKey: .generate(using: &rng),
            lifetime: Lifetime(notBefore: 0, notAfter: .max), using: &rng)
    }

    @Test(arguments: [101, 202, 303, 404, 505, 606] as [UInt64])
    func randomWalk(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        var members: [Group] = [
            try Group.create(
                suite: suite, groupID: [UInt8(seed & 0xFF)], credential: .basic(identity: Array("member-0".utf8)),
                signatureKey: .generate(using: &rng), lifetime: Lifetime(notBefore: 0, notAfter: .max), using: &rng)
        ]
        var nextID = 1

        /// Delivers `message` from member `from` to every other member.
        func broadcast(_ message: MLSMessage, from: Int) throws {
            for index in members.indices where index != from && members[index].isActive {
                _ = try members[index].process(try wire(message), now: now)
            }
        }

        for step in 0..<60 {
            let actor = Int(rng.next() % UInt64(members.count))
            let pendingAnywhere = members.contains { $0.pendingProposalCount > 0 }
            switch rng.next() % 7 {
            case 0 where members.count < 6:  // commit adding one or two newcomers
                let count = 1 + Int(rng.next() % 2)
                let bundles = try (0..<count).map { _ -> KeyPackageBundle in
                    defer { nextID += 1 }
                    return try newBundle(nextID, &rng)
                }
                let result = try members[actor].commit(
                    adding: bundles.map(\.keyPackage.value),
                    wireFormat: rng.next() % 2 == 0 ? .publicMessage : .privateMessage,
                    includePath: rng.next() % 2 == 0 || pendingAnywhere, now: now, using: &rng)
                try broadcast(result.message, from: actor)
                members[actor] = result.group
                guard case .welcome(let welcome) = try wire(result.welcome!).body else {
                    Issue.record("step \(step): no welcome")
                    return
                }
                for bundle in bundles { members.append(try Group.join(welcome: welcome, bundle: bundle, suite: suite)) }
            case 1 where members.count > 2:  // commit removing someone else
                var victim = Int(rng.next() % UInt64(members.count))
                if victim == actor { victim = (victim + 1) % members.count }
                let leaf = members[victim].ownLeafIndex
                let result = try members[actor].commit(removing: [leaf], now: now, using: &rng)
                for index in members.indices where index != actor {
                    let received = try members[index].process(try wire(result.message), now: now)
                    if index == victim { #expect(received == .removed(by: members[actor].ownLeafIndex)) }
                }
                members[actor] = result.group
            case 2:  // an Update proposal
                let proposal = try members[actor].proposeUpdate(
                    wireFormat: rng.next() % 2 == 0 ? .publicMessage : .privateMessage, using: &rng)
                try broadcast(proposal, from: actor)
            case 3:  // application message (commit pending proposals first)
                if pendingAnywhere {
                    let result = try members[actor].commit(now: now, using: &rng)
                    try broadcast(result.message, from: actor)
                    members[actor] = result.group
                }
                let text = Array("step \(step)".utf8)
                let message = try members[actor].encrypt(text, using: &rng)
                for index in members.indices where index != actor && members[index].isActive {
                    #expect(
                        try members[index].process(try wire(message), now: now)
                            == .application(sender: members[actor].ownLeafIndex, data: text, authenticatedData: []))
                }
            case 4 where members.count > 2:  // propose removing someone (maybe the next committer)
                var victim = Int(rng.next() % UInt64(members.count))
                if victim == actor { victim = (victim + 1) % members.count }
                let proposal = try members[actor].propose(
                    .remove(Remove(removed: members[victim].ownLeafIndex)), now: now, using: &rng)
                try broadcast(proposal, from: actor)
            default:  // a plain commit, covering whatever is pending
                let result = try members[actor].commit(now: now, using: &rng)
                try broadcast(result.message, from: actor)
                members[actor] = result.group
            }
            members.removeAll { !$0.isActive }
            let reference = members[0]
            for member in members.dropFirst() {
                #expect(member.epochAuthenticator == reference.epochAuthenticator, "seed \(seed) step \(step)")
                #expect(member.tree == reference.tree, "seed \(seed) step \(step)")
            }
            #expect(members.allSatisfy { $0.tree.leaf($0.ownLeafIndex) != nil })
        }
        let secrets = try members.map { try $0.exportSecret(label: "walk", context: [], length: 16) }
        #expect(Set(secrets).count == 1)
        #expect(!members.isEmpty)
    }
}
