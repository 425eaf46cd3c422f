/// The public ratchet tree (RFC 9420 §4, §7): an array of optional nodes, leaves at even
/// indices, always padded to a power-of-two number of leaves.
///
/// Encodes as `optional<Node> ratchet_tree<V>` with trailing blanks removed. Decoding checks
/// only structure (node kinds at the right indices, non-blank last node); use
/// ``validate(suite:groupID:)`` for the joiner's checks.
public struct RatchetTree: TLSCodable, Hashable {
    /// The nodes; `nodes.count == TreeMath.nodeWidth(leafCount:)`.
    public internal(set) var nodes: [Node?]

    /// The largest tree we accept, in leaves (65,536). A tree is allocated at full width, so
    /// this bounds the memory a received tree can make us spend (tens of MB at most).
    public static let maximumLeafCount: UInt32 = 1 << 16

    /// A tree from its nodes, padded with blanks to a full tree.
    public init(nodes: [Node?]) throws {
        guard !nodes.isEmpty else { throw MLSError.malformed("ratchet tree is empty") }
        var leafCount: UInt32 = 1
        while TreeMath.nodeWidth(leafCount: leafCount) < nodes.count {
            guard leafCount < Self.maximumLeafCount else { throw MLSError.malformed("ratchet tree too large") }
            leafCount *= 2
        }
        for (index, node) in nodes.enumerated() {
            switch node {
            case .leaf where index % 2 == 1, .parent where index % 2 == 0:
                throw MLSError.malformed("node kind does not match its position")
            case .parent(let parent) where parent.unmergedLeaves.contains(where: { $0 >= leafCount }):
                throw MLSError.malformed("unmerged leaf outside the tree")
            default: break
            }
        }
        self.nodes = nodes + [Node?](repeating: nil, count: Int(TreeMath.nodeWidth(leafCount: leafCount)) - nodes.count)
    }

    /// A one-member tree.
    public init(creator: LeafNode) {
        nodes = [.leaf(creator)]
    }

    /// Number of leaves (a power of two).
    public var leafCount: UInt32 { UInt32((nodes.count + 1) / 2) }

    /// The root node index.
    public var root: UInt32 { TreeMath.root(leafCount: leafCount) }

    public func encode(to writer: inout TLSWriter) {
        let last = nodes.lastIndex { $0 != nil } ?? 0
        writer.writeVector { inner in
            for node in nodes[0...last] { inner.writeOptional(node) }
        }
    }

    public init(from reader: inout TLSReader) throws {
        let decoded: [Node?] = try reader.readVector { child in
            var items: [Node?] = []
            while !child.isAtEnd { items.append(try child.readOptional(Node.self)) }
            return items
        }
        guard let last = decoded.last, last != nil else {
            throw MLSError.malformed("ratchet tree is empty or ends in a blank node")
        }
        try self.init(nodes: decoded)
    }

    // MARK: Access

    /// The node at `index`, nil if blank or out of range.
    public subscript(node index: UInt32) -> Node? {
        Int(index) < nodes.count ? nodes[Int(index)] : nil
    }

    /// The leaf node of leaf `leaf`, nil if blank or out of range.
    public func leaf(_ leaf: UInt32) -> LeafNode? {
        guard leaf < leafCount else { return nil }
        if case .leaf(let node) = self[node: TreeMath.node(ofLeaf: leaf)] { return node }
        return nil
    }

    /// The parent node at node index `index`, nil if blank.
    public func parent(_ index: UInt32) -> ParentNode? {
        if case .parent(let node) = self[node: index] { return node }
        return nil
    }

    /// Indices of non-blank leaves.
    public var occupiedLeaves: [UInt32] {
        (0..<leafCount).filter { leaf($0) != nil }
    }

    mutating func setNode(_ index: UInt32, _ node: Node?) {
        nodes[Int(index)] = node
    }

    // MARK: Resolution and paths

    /// The resolution of a node (RFC 9420 §4.1.1), in left-to-right order.
    public func resolution(_ index: UInt32) -> [UInt32] {
        switch self[node: index] {
        case .leaf:
            return [index]
        case .parent(let parent):
            return [index] + parent.unmergedLeaves.map(TreeMath.node(ofLeaf:))
        case nil:
            guard let left = TreeMath.left(index), let right = TreeMath.right(index) else { return [] }
            return resolution(left) + resolution(right)
        }
    }

    /// The filtered direct path of `leaf` with each node's copath child (RFC 9420 §4.1.2).
    public func filteredDirectPath(_ leaf: UInt32) -> [(node: UInt32, copathChild: UInt32)] {
        let start = TreeMath.node(ofLeaf: leaf)
        let path = TreeMath.directPath(start, leafCount: leafCount)
        let copath = TreeMath.copath(start, leafCount: leafCount)
        return zip(path, copath).filter { !resolution($0.1).isEmpty }.map { (node: $0.0, copathChild: $0.1) }
    }

    // MARK: Tree hashes (RFC 9420 §7.8)

    /// The tree hash of the subtree at `index`, treating the leaves in `excluded` as blank
    /// and removing them from unmerged-leaf lists.
    public func treeHash(suite: CipherSuite, node index: UInt32, excluding excluded: Set<UInt32> = []) -> [UInt8] {
        var writer = TLSWriter()
        if TreeMath.isLeaf(index) {
            let leafIndex = index / 2
            writer.write(UInt8(1))
            writer.write(leafIndex)
            writer.writeOptional(excluded.contains(leafIndex) ? nil : leaf(leafIndex))
        } else {
            writer.write(UInt8(2))
            var parent = self.parent(index)
            parent?.unmergedLeaves.removeAll { excluded.contains($0) }
            writer.writeOptional(parent)
            // Parents always have children.
            writer.writeOpaque(treeHash(suite: suite, node: TreeMath.left(index)!, excluding: excluded))
            writer.writeOpaque(treeHash(suite: suite, node: TreeMath.right(index)!, excluding: excluded))
        }
        return suite.hash(writer.bytes)
    }

    /// The tree hash of the whole tree.
    public func rootHash(suite: CipherSuite) -> [UInt8] { treeHash(suite: suite, node: root) }

    /// Tree hashes of every node, computed bottom-up once.
    public func allTreeHashes(suite: CipherSuite) -> [[UInt8]] {
        var hashes = [[UInt8]](repeating: [], count: nodes.count)
        for level in 0...TreeMath.level(root) {
            var index = (UInt32(1) << level) - 1
            while index < nodes.count {
                var writer = TLSWriter()
                if level == 0 {
                    writer.write(UInt8(1))
                    writer.write(index / 2)
                    writer.writeOptional(leaf(index / 2))
                } else {
                    writer.write(UInt8(2))
                    writer.writeOptional(parent(index))
                    writer.writeOpaque(hashes[Int(TreeMath.left(index)!)])
                    writer.writeOpaque(hashes[Int(TreeMath.right(index)!)])
                }
                hashes[Int(index)] = suite.hash(writer.bytes)
                index += UInt32(1) << (level + 1)
            }
        }
        return hashes
    }

    // MARK: Parent hashes (RFC 9420 §7.9)

    /// Hash of `ParentHashInput` for parent `parent` with the given original sibling tree hash.
    public static func parentHash(suite: CipherSuite, parent: ParentNode, originalSiblingTreeHash: [UInt8]) -> [UInt8] {
        var writer = TLSWriter()
        writer.writeOpaque(parent.encryptionKey)
        writer.writeOpaque(parent.parentHash)
        writer.writeOpaque(originalSiblingTreeHash)
        return suite.hash(writer.bytes)
    }

    private func storedParentHash(_ index: UInt32) -> [UInt8]? {
        switch self[node: index] {
        case .leaf(let leaf): leaf.parentHash
        case .parent(let parent): parent.parentHash
        case nil: nil
        }
    }

    /// Whether every non-blank parent node is parent-hash valid with respect to exactly one
    /// descendant (RFC 9420 §7.9.2, the "top down" check).
    public func verifyParentHashes(suite: CipherSuite) -> Bool {
        for index in stride(from: UInt32(1), to: UInt32(nodes.count), by: 2) {
            guard let parent = parent(index), let left = TreeMath.left(index), let right = TreeMath.right(index) else {
                continue
            }
            let unmerged = Set(parent.unmergedLeaves)
            var valid = 0
            for (child, sibling) in [(left, right), (right, left)] {
                let expected = Self.parentHash(
                    suite: suite, parent: parent,
                    originalSiblingTreeHash: treeHash(suite: suite, node: sibling, excluding: unmerged))
                let childResolution = resolution(child)
                let unmergedBelow = Set(
                    parent.unmergedLeaves.map(TreeMath.node(ofLeaf:)).filter { TreeMath.isInSubtree($0, of: child) })
                for candidate in childResolution where storedParentHash(candidate) == expected {
                    var rest = Set(childResolution)
                    rest.remove(candidate)
                    if rest == unmergedBelow { valid += 1 }
                }
            }
            if valid != 1 { return false }
        }
        return true
    }
}
