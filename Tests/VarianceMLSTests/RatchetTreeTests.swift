import Testing

@testable import VarianceMLS

@Suite struct RatchetTreeTests {
    let suite = CipherSuite.mls128X25519

    @Test func treeValidationVectors() throws {
        let entries = try MLSVectors.suite1("tree-validation.json")
        #expect(entries.count == 14)
        for (number, entry) in entries.enumerated() {
            let bytes = try entry.hex("tree")
            let tree = try RatchetTree(tlsSerialized: bytes)
            #expect(tree.tlsSerialized == bytes)
            let resolutions = try entry.array("resolutions")
            let hashes = try entry.array("tree_hashes")
            #expect(resolutions.count == tree.nodes.count, "entry \(number) node count")
            let computed = tree.allTreeHashes(suite: suite)
            for index in 0..<min(resolutions.count, tree.nodes.count) {
                let expected = (resolutions[index] as? [Int] ?? []).map(UInt32.init)
                #expect(tree.resolution(UInt32(index)) == expected, "entry \(number) resolution(\(index))")
                let hash = [UInt8](hex: hashes[index] as? String ?? "")
                #expect(computed[index] == hash, "entry \(number) tree hash(\(index))")
                #expect(tree.treeHash(suite: suite, node: UInt32(index)) == hash)
            }
            #expect(tree.verifyParentHashes(suite: suite), "entry \(number) parent hashes")
            #expect(throws: Never.self, "entry \(number) validation") {
                try tree.validate(suite: suite, groupID: try entry.hex("group_id"))
            }
            // Another group's id breaks the signatures of update/commit-sourced leaves.
            let commitLeaves = tree.occupiedLeaves.filter { tree.leaf($0)?.parentHash != nil }
            if !commitLeaves.isEmpty {
                #expect(throws: MLSError.self) { try tree.validate(suite: suite, groupID: [1, 2, 3]) }
            }
        }
    }

    @Test func tamperedParentHashIsDetected() throws {
        // The largest full tree in the vectors has parent nodes set by commits.
        let entry = try MLSVectors.suite1("tree-validation.json")[3]
        var tree = try RatchetTree(tlsSerialized: try entry.hex("tree"))
        let parentIndex = stride(from: UInt32(1), to: UInt32(tree.nodes.count), by: 2).first { tree.parent($0) != nil }
        guard let parentIndex, var parent = tree.parent(parentIndex) else {
            Issue.record("no parent node to tamper with")
            return
        }
        #expect(tree.verifyParentHashes(suite: suite))
        parent.encryptionKey[0] ^= 1
        tree.setNode(parentIndex, .parent(parent))
        #expect(!tree.verifyParentHashes(suite: suite))
    }

    @Test func treeOperationsVectors() throws {
        let entries = try MLSVectors.suite1("tree-operations.json")
        #expect(entries.count == 5)
        for (number, entry) in entries.enumerated() {
            var tree = try RatchetTree(tlsSerialized: try entry.hex("tree_before"))
            #expect(tree.rootHash(suite: suite) == (try entry.hex("tree_hash_before")), "entry \(number) hash before")
            let sender = UInt32(try entry.int("proposal_sender"))
            switch try Proposal(tlsSerialized: try entry.hex("proposal")) {
            case .add(let add): try tree.addLeaf(add.keyPackage.leafNode)
            case .update(let update): try tree.updateLeaf(sender, with: update.leafNode)
            case .remove(let remove): try tree.removeLeaf(remove.removed)
            default: Issue.record("entry \(number): unexpected proposal type")
            }
            #expect(tree.tlsSerialized == (try entry.hex("tree_after")), "entry \(number) tree after")
            #expect(tree.rootHash(suite: suite) == (try entry.hex("tree_hash_after")), "entry \(number) hash after")
        }
    }

    private func leaf(_ byte: UInt8) -> LeafNode {
        LeafNode(
            encryptionKey: [byte], signatureKey: [byte], credential: .basic(identity: [byte]),
            capabilities: Capabilities(), source: .update)
    }

    @Test func addingIntoAHoleKeepsUnmergedLeavesSorted() throws {
        // Leaves 0, 1 and 3 present, leaf 2 blank; parent 3 already lists leaf 3 as unmerged.
        var tree = try RatchetTree(nodes: [
            .leaf(leaf(0)), .parent(ParentNode(encryptionKey: [10], parentHash: [], unmergedLeaves: [])),
            .leaf(leaf(1)), .parent(ParentNode(encryptionKey: [11], parentHash: [], unmergedLeaves: [3])),
            nil, nil, .leaf(leaf(3)),
        ])
        #expect(try tree.addLeaf(leaf(2)) == 2)
        #expect(tree.parent(3)?.unmergedLeaves == [2, 3])
        #expect(tree.resolution(3) == [3, 4, 6])
        // A full tree grows to the right.
        #expect(try tree.addLeaf(leaf(4)) == 4)
        #expect(tree.leafCount == 8)
        #expect(tree.parent(3)?.unmergedLeaves == [2, 3])
    }

    @Test func unsortedUnmergedLeavesAreRejected() throws {
        let tree = try RatchetTree(nodes: [
            .leaf(leaf(0)), .parent(ParentNode(encryptionKey: [10], parentHash: [], unmergedLeaves: [1, 0])),
            .leaf(leaf(1)),
        ])
        #expect(throws: MLSError.invalid("unmerged leaves are not sorted")) {
            try tree.validate(suite: suite, groupID: [])
        }
    }

    @Test func oversizedTreesAreRefused() throws {
        let width = Int(TreeMath.nodeWidth(leafCount: RatchetTree.maximumLeafCount))
        let largest = try RatchetTree(nodes: [Node?](repeating: nil, count: width - 1) + [.leaf(leaf(1))])
        #expect(largest.leafCount == RatchetTree.maximumLeafCount)
        #expect(throws: MLSError.self) {
            try RatchetTree(nodes: [Node?](repeating: nil, count: width + 1) + [.leaf(leaf(1))])
        }
    }
}
