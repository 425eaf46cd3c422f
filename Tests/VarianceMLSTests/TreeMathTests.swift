import Testing

@testable import VarianceMLS

@Suite struct TreeMathTests {
    private func optionalInts(_ values: [Any]) -> [UInt32?] {
        values.map { ($0 as? Int).map(UInt32.init) }
    }

    @Test func treeMathVectors() throws {
        let entries = try MLSVectors.entries("tree-math.json")
        #expect(entries.count == 10)
        for entry in entries {
            let leaves = UInt32(try entry.int("n_leaves"))
            let width = TreeMath.nodeWidth(leafCount: leaves)
            #expect(width == UInt32(try entry.int("n_nodes")))
            #expect(TreeMath.root(leafCount: leaves) == UInt32(try entry.int("root")))
            let left = optionalInts(try entry.array("left"))
            let right = optionalInts(try entry.array("right"))
            let parent = optionalInts(try entry.array("parent"))
            let sibling = optionalInts(try entry.array("sibling"))
            #expect(left.count == Int(width))
            for node in 0..<width {
                let i = Int(node)
                #expect(TreeMath.left(node) == left[i], "left(\(node)) n=\(leaves)")
                #expect(TreeMath.right(node) == right[i], "right(\(node)) n=\(leaves)")
                #expect(TreeMath.parent(node, leafCount: leaves) == parent[i], "parent(\(node)) n=\(leaves)")
                #expect(TreeMath.sibling(node, leafCount: leaves) == sibling[i], "sibling(\(node)) n=\(leaves)")
            }
        }
    }

    @Test func commonAncestorMatchesDirectPaths() {
        let leaves: UInt32 = 16
        for a in 0..<leaves {
            for b in 0..<leaves {
                let x = TreeMath.node(ofLeaf: a)
                let y = TreeMath.node(ofLeaf: b)
                let pathX = [x] + TreeMath.directPath(x, leafCount: leaves)
                let pathY = Set([y] + TreeMath.directPath(y, leafCount: leaves))
                let expected = pathX.first { pathY.contains($0) }
                #expect(TreeMath.commonAncestor(x, y) == expected)
            }
        }
    }
}
