/// Array-based tree arithmetic (RFC 9420 §4.1, Appendix C).
///
/// Nodes are numbered left to right; leaves sit at even indices (leaf `i` is node `2i`),
/// parents at odd ones. The tree always has a power-of-two number of leaves, so the root
/// of a tree with `n` leaves is node `n - 1`.
public enum TreeMath {
    /// Number of nodes in a tree with `leafCount` leaves.
    public static func nodeWidth(leafCount: UInt32) -> UInt32 {
        leafCount == 0 ? 0 : 2 * (leafCount - 1) + 1
    }

    /// The level of a node: 0 for leaves, then the number of trailing one bits.
    public static func level(_ node: UInt32) -> UInt32 {
        UInt32((~node).trailingZeroBitCount)
    }

    /// Whether `node` is a leaf.
    public static func isLeaf(_ node: UInt32) -> Bool { node & 1 == 0 }

    /// The node index of leaf `leaf`.
    public static func node(ofLeaf leaf: UInt32) -> UInt32 { leaf * 2 }

    /// The root of a tree with `leafCount` leaves.
    public static func root(leafCount: UInt32) -> UInt32 {
        let width = nodeWidth(leafCount: leafCount)
        guard width > 0 else { return 0 }
        let log = UInt32(31 - width.leadingZeroBitCount)
        return (UInt32(1) << log) - 1
    }

    /// The left child of a parent node, or nil for a leaf.
    public static func left(_ node: UInt32) -> UInt32? {
        let k = level(node)
        guard k > 0 else { return nil }
        return node ^ (UInt32(1) << (k - 1))
    }

    /// The right child of a parent node, or nil for a leaf.
    public static func right(_ node: UInt32) -> UInt32? {
        let k = level(node)
        guard k > 0 else { return nil }
        return node ^ (UInt32(3) << (k - 1))
    }

    /// The parent of `node`, or nil for the root.
    public static func parent(_ node: UInt32, leafCount: UInt32) -> UInt32? {
        guard node != root(leafCount: leafCount), node < nodeWidth(leafCount: leafCount) else { return nil }
        let k = level(node)
        let b = (node >> (k + 1)) & 1
        return (node | (UInt32(1) << k)) ^ (b << (k + 1))
    }

    /// The other child of `node`'s parent, or nil for the root.
    public static func sibling(_ node: UInt32, leafCount: UInt32) -> UInt32? {
        guard let p = parent(node, leafCount: leafCount) else { return nil }
        return node < p ? right(p) : left(p)
    }

    /// The parents of `node` from its own parent up to the root.
    public static func directPath(_ node: UInt32, leafCount: UInt32) -> [UInt32] {
        var path: [UInt32] = []
        var current = node
        while let p = parent(current, leafCount: leafCount) {
            path.append(p)
            current = p
        }
        return path
    }

    /// The siblings of `node` and of each node on its direct path below the root.
    public static func copath(_ node: UInt32, leafCount: UInt32) -> [UInt32] {
        var path = [node] + directPath(node, leafCount: leafCount)
        path.removeLast()
        return path.compactMap { sibling($0, leafCount: leafCount) }
    }

    /// Whether `descendant` is in the subtree rooted at `ancestor` (inclusive).
    public static func isInSubtree(_ descendant: UInt32, of ancestor: UInt32) -> Bool {
        let k = level(ancestor)
        let span = (UInt32(1) << k) - 1
        return descendant >= ancestor - span && descendant <= ancestor + span
    }

    /// The lowest common ancestor of two nodes (a node is its own ancestor).
    public static func commonAncestor(_ a: UInt32, _ b: UInt32) -> UInt32 {
        if a == b { return a }
        if isInSubtree(a, of: b) { return b }
        if isInSubtree(b, of: a) { return a }
        var x = a
        var y = b
        var k: UInt32 = 0
        while x != y {
            x >>= 1
            y >>= 1
            k += 1
        }
        return (x << k) + (UInt32(1) << (k - 1)) - 1
    }
}
