import Testing

@testable import VarianceMLS

/// The cached tree hashes of `RatchetTree` always equal hashes computed from scratch (a tree
/// decoded from its bytes has no cache), through adds, removals (truncation), updates,
/// parent nodes with unmerged leaves and exclusions.
@Suite struct TreeHashCacheTests {
    let suite = CipherSuite.mls128X25519

    private func leaf(_ index: Int, _ rng: inout SeededGenerator) throws -> LeafNode {
        try KeyPackageBundle.generate(
            suite: suite, credential: .basic(identity: Array("member \(index)".utf8)),
            signatureKey: .generate(using: &rng), lifetime: Lifetime(notBefore: 0, notAfter: .max), using: &rng
        ).keyPackage.value.leafNode
    }

    private func checkAgainstFresh(_ tree: RatchetTree) throws {
        let fresh = try RatchetTree(tlsSerialized: tree.tlsSerialized)
        #expect(tree.rootHash(suite: suite) == fresh.rootHash(suite: suite))
        #expect(tree.allTreeHashes(suite: suite) == fresh.allTreeHashes(suite: suite))
        for node in stride(from: UInt32(1), to: UInt32(tree.nodes.count), by: 2) {
            guard let parent = tree.parent(node), !parent.unmergedLeaves.isEmpty else { continue }
            let excluded = Set(parent.unmergedLeaves)
            for child in [TreeMath.left(node)!, TreeMath.right(node)!] {
                #expect(
                    tree.treeHash(suite: suite, node: child, excluding: excluded)
                        == fresh.treeHash(suite: suite, node: child, excluding: excluded))
            }
        }
        var copy = tree
        #expect(copy.cacheTreeHashes(suite: suite) == fresh.rootHash(suite: suite))
    }

    @Test(arguments: [1, 2, 3, 4]) func cachedHashesMatchFreshOnes(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        var tree = RatchetTree(creator: try leaf(0, &rng))
        tree.cacheTreeHashes(suite: suite)
        var next = 1
        for step in 0..<60 {
            let occupied = tree.occupiedLeaves
            switch rng.next() % 6 {
            case 0, 1:
                try tree.addLeaf(try leaf(next, &rng))
                next += 1
            case 2 where occupied.count > 1:
                try tree.removeLeaf(occupied[Int(rng.next() % UInt64(occupied.count - 1)) + 1])
            case 3 where !occupied.isEmpty:
                try tree.updateLeaf(occupied[Int(rng.next() % UInt64(occupied.count))], with: try leaf(next, &rng))
                next += 1
            case 4:
                // A parent set as an UpdatePath would, then later adds become its unmerged leaves.
                let index = UInt32(rng.next() % UInt64(tree.nodes.count)) | 1
                if index < tree.nodes.count {
                    tree.setNode(
                        index,
                        .parent(
                            ParentNode(
                                encryptionKey: HPKEPrivateKey.generate(using: &rng).publicKey,
                                parentHash: [UInt8](repeating: 7, count: 32),
                                unmergedLeaves: [])))
                }
            default:
                tree.cacheTreeHashes(suite: suite)
            }
            if step % 3 == 0 { try checkAgainstFresh(tree) }
        }
        try checkAgainstFresh(tree)
    }
}
