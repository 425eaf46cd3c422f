/// The public ratchet tree (RFC 9420 §4, §7): an array of optional nodes, leaves at even
/// indices, always padded to a power-of-two number of leaves.
///
/// Encodes as `optional<Node> ratchet_tree<V>` with trailing blanks removed. Decoding checks
/// only structure (node kinds at the right indices, non-blank last node); use
/// ``validate(suite:groupID:)`` for the joiner's checks.
public struct RatchetTree: TLSCodable, Hashable {
    /// The nodes; `nodes.count == TreeMath.nodeWidth(leafCount:)`.
    public internal(set) var nodes: [Node?] {
        get { storage }
        set {
            storage = newValue
            hashCache = HashCache(count: newValue.count)
        }
    }

    /// The nodes themselves (``nodes`` resets the hash cache when assigned as a whole).
    private var storage: [Node?]

    /// Tree hashes by node index, valid for nodes whose subtree has not changed since they
    /// were computed (``setNode(_:_:)`` clears a node and its ancestors). Not part of the
    /// tree's value: equality and hashing ignore it.
    private var hashCache: HashCache

    /// Hashes side by side in one flat buffer, so that copying the tree (every new epoch)
    /// copies plain bytes instead of retaining one array per node.
    struct HashCache: Sendable {
        /// Cipher suite the hashes were computed with (nil: nothing cached).
        private(set) var suiteID: UInt16?
        /// Hash length of that suite.
        private var width = 0
        /// `width` bytes per node.
        private var bytes: [UInt8] = []
        /// Whether each node's bytes hold its current hash.
        private var valid: [Bool]

        init(count: Int) {
            valid = [Bool](repeating: false, count: count)
        }

        /// An empty cache for `count` nodes hashed with `suite`.
        init(count: Int, suite: CipherSuite) {
            suiteID = suite.id
            width = suite.hashLength
            bytes = [UInt8](repeating: 0, count: count * width)
            valid = [Bool](repeating: false, count: count)
        }

        var count: Int { valid.count }

        /// The cached hash of node `index`, if any.
        func hash(_ index: Int) -> [UInt8]? {
            guard index < valid.count, valid[index] else { return nil }
            return Array(bytes[index * width..<(index + 1) * width])
        }

        mutating func set(_ index: Int, _ hash: [UInt8]) {
            precondition(hash.count == width, "tree hash of an unexpected length")
            bytes.replaceSubrange(index * width..<(index + 1) * width, with: hash)
            valid[index] = true
        }

        mutating func invalidate(_ index: Int) {
            if index < valid.count, valid[index] { valid[index] = false }
        }

        mutating func append(blank count: Int) {
            bytes += [UInt8](repeating: 0, count: count * width)
            valid += [Bool](repeating: false, count: count)
        }

        mutating func keepPrefix(_ count: Int) {
            bytes.removeLast(bytes.count - count * width)
            valid.removeLast(valid.count - count)
        }
    }

    public static func == (lhs: RatchetTree, rhs: RatchetTree) -> Bool { lhs.storage == rhs.storage }

    public func hash(into hasher: inout Hasher) { hasher.combine(storage) }

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
        storage = nodes + [Node?](repeating: nil, count: Int(TreeMath.nodeWidth(leafCount: leafCount)) - nodes.count)
        hashCache = HashCache(count: storage.count)
    }

    /// A one-member tree.
    public init(creator: LeafNode) {
        storage = [.leaf(creator)]
        hashCache = HashCache(count: 1)
    }

    /// Number of leaves (a power of two).
    public var leafCount: UInt32 { UInt32((nodes.count + 1) / 2) }

    /// The root node index.
    public var root: UInt32 { TreeMath.root(leafCount: leafCount) }

    public func encode(to writer: inout TLSWriter) {
        let last = storage.lastIndex { $0 != nil } ?? 0
        writer.writeVector { inner in
            for node in storage[0...last] { inner.writeOptional(node) }
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
        Int(index) < storage.count ? storage[Int(index)] : nil
    }

    /// Whether node `index` is blank (or out of range), without copying it.
    func isBlank(_ index: UInt32) -> Bool {
        guard Int(index) < storage.count else { return true }
        if case .none = storage[Int(index)] { return true }
        return false
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
        (0..<leafCount).filter { !isBlank(TreeMath.node(ofLeaf: $0)) }
    }

    /// Whether `predicate` holds for the keys of some non-blank node: its encryption key and,
    /// for a leaf, its signature key. Walks the nodes in place (no copy of the array or nodes).
    func containsNode(withKeys predicate: (_ encryptionKey: [UInt8], _ signatureKey: [UInt8]?) -> Bool) -> Bool {
        storage.withUnsafeBufferPointer { buffer in
            for slot in buffer {
                switch slot {
                case .leaf(let leaf)?: if predicate(leaf.encryptionKey, leaf.signatureKey) { return true }
                case .parent(let parent)?: if predicate(parent.encryptionKey, nil) { return true }
                case nil: continue
                }
            }
            return false
        }
    }

    /// Calls `body` with the credential type and the supported credential types of every
    /// non-blank leaf, in place (no copy of the leaf nodes).
    func forEachLeafCredential(_ body: (_ credentialType: UInt16, _ supportedCredentials: [UInt16]) -> Void) {
        storage.withUnsafeBufferPointer { buffer in
            for index in stride(from: 0, to: buffer.count, by: 2) {
                if case .leaf(let leaf)? = buffer[index] {
                    body(leaf.credential.credentialType, leaf.capabilities.credentials)
                }
            }
        }
    }

    /// The leftmost blank leaf at or after `start`, if any.
    func firstBlankLeaf(from start: UInt32 = 0) -> UInt32? {
        var leaf = start
        while leaf < leafCount {
            if isBlank(TreeMath.node(ofLeaf: leaf)) { return leaf }
            leaf += 1
        }
        return nil
    }

    mutating func setNode(_ index: UInt32, _ node: Node?) {
        storage[Int(index)] = node
        invalidateHashes(from: index)
    }

    /// Forgets the cached tree hashes of `index` and its ancestors.
    private mutating func invalidateHashes(from index: UInt32) {
        guard hashCache.suiteID != nil else { return }
        let count = leafCount
        var current: UInt32? = index
        while let node = current, Int(node) < hashCache.count {
            hashCache.invalidate(Int(node))
            current = TreeMath.parent(node, leafCount: count)
        }
    }

    /// Appends `count` blank nodes (the tree doubles to the right).
    mutating func appendBlankNodes(_ count: Int) {
        storage += [Node?](repeating: nil, count: count)
        hashCache.append(blank: count)
    }

    /// Keeps the first `count` nodes (truncation); cached hashes inside stay valid.
    mutating func keepPrefix(_ count: Int) {
        storage.removeLast(storage.count - count)
        hashCache.keepPrefix(count)
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
            var result: [UInt32] = []
            appendResolution(left, to: &result)
            appendResolution(right, to: &result)
            return result
        }
    }

    private func appendResolution(_ index: UInt32, to result: inout [UInt32]) {
        switch self[node: index] {
        case .leaf:
            result.append(index)
        case .parent(let parent):
            result.append(index)
            result.append(contentsOf: parent.unmergedLeaves.map(TreeMath.node(ofLeaf:)))
        case nil:
            guard let left = TreeMath.left(index), let right = TreeMath.right(index) else { return }
            appendResolution(left, to: &result)
            appendResolution(right, to: &result)
        }
    }

    /// The filtered direct path of `leaf` with each node's copath child (RFC 9420 §4.1.2).
    public func filteredDirectPath(_ leaf: UInt32) -> [(node: UInt32, copathChild: UInt32)] {
        let start = TreeMath.node(ofLeaf: leaf)
        let path = TreeMath.directPath(start, leafCount: leafCount)
        let copath = TreeMath.copath(start, leafCount: leafCount)
        return zip(path, copath).filter { !isResolutionEmpty($0.1) }.map { (node: $0.0, copathChild: $0.1) }
    }

    /// Whether the resolution of `index` is empty: every node of its subtree is blank.
    func isResolutionEmpty(_ index: UInt32) -> Bool {
        if !isBlank(index) { return false }
        guard let left = TreeMath.left(index), let right = TreeMath.right(index) else { return true }
        return isResolutionEmpty(left) && isResolutionEmpty(right)
    }

    // MARK: Tree hashes (RFC 9420 §7.8)

    /// The tree hash of the subtree at `index`, treating the leaves in `excluded` as blank
    /// and removing them from unmerged-leaf lists.
    ///
    /// Uses the cached hash of every subtree that holds no excluded leaf and has not changed
    /// since ``cacheTreeHashes(suite:)``, so after a change only the changed paths are hashed.
    /// (That assumes unmerged leaves lie below the parents that list them, as in every valid
    /// tree; ``verifyParentHashes(suite:)`` does not use the cache for a tree where they do not.)
    public func treeHash(suite: CipherSuite, node index: UInt32, excluding excluded: Set<UInt32> = []) -> [UInt8] {
        if hashCache.suiteID == suite.id, excluded.isEmpty || !Self.subtree(index, holdsAnyOf: excluded),
            let cached = hashCache.hash(Int(index))
        {
            return cached
        }
        return computeTreeHash(suite: suite, node: index, excluding: excluded) {
            treeHash(suite: suite, node: $0, excluding: excluded)
        }
    }

    /// Whether a leaf of `excluded` lies under node `index`.
    private static func subtree(_ index: UInt32, holdsAnyOf excluded: Set<UInt32>) -> Bool {
        let level = TreeMath.level(index)
        let first = (index >> (level + 1)) << level  // leftmost leaf below
        let end = first + (UInt32(1) << level)
        return excluded.contains { $0 >= first && $0 < end }
    }

    /// One node's tree hash from its content and its children's hashes.
    private func computeTreeHash(
        suite: CipherSuite, node index: UInt32, excluding excluded: Set<UInt32>, child: (UInt32) -> [UInt8]
    ) -> [UInt8] {
        var writer = TLSWriter()
        if TreeMath.isLeaf(index) {
            let leafIndex = index / 2
            writer.write(UInt8(1))
            writer.write(leafIndex)
            writer.writeOptional(excluded.contains(leafIndex) ? nil : leaf(leafIndex))
        } else {
            writer.write(UInt8(2))
            var parent = self.parent(index)
            if !excluded.isEmpty { parent?.unmergedLeaves.removeAll { excluded.contains($0) } }
            writer.writeOptional(parent)
            // Parents always have children.
            writer.writeOpaque(child(TreeMath.left(index)!))
            writer.writeOpaque(child(TreeMath.right(index)!))
        }
        return suite.hash(writer.bytes)
    }

    /// Computes and caches the tree hash of every node whose hash is not cached (all of them
    /// the first time, then only the paths changed since). Returns the root's.
    @discardableResult
    public mutating func cacheTreeHashes(suite: CipherSuite) -> [UInt8] {
        if hashCache.suiteID != suite.id {
            hashCache = HashCache(count: storage.count, suite: suite)
        }
        return fillHashCache(suite: suite, node: root)
    }

    private mutating func fillHashCache(suite: CipherSuite, node index: UInt32) -> [UInt8] {
        if let cached = hashCache.hash(Int(index)) { return cached }
        if let left = TreeMath.left(index), let right = TreeMath.right(index) {
            _ = fillHashCache(suite: suite, node: left)
            _ = fillHashCache(suite: suite, node: right)
        }
        let hash = computeTreeHash(suite: suite, node: index, excluding: []) { hashCache.hash(Int($0)) ?? [] }
        hashCache.set(Int(index), hash)
        return hash
    }

    /// The tree hash of the whole tree.
    public func rootHash(suite: CipherSuite) -> [UInt8] { treeHash(suite: suite, node: root) }

    /// Tree hashes of every node, computed bottom-up once.
    public func allTreeHashes(suite: CipherSuite) -> [[UInt8]] {
        var copy = self
        copy.cacheTreeHashes(suite: suite)
        return (0..<copy.hashCache.count).map { copy.hashCache.hash($0) ?? [] }
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
        var hashed = self
        if unmergedLeavesLieBelowTheirParents {
            hashed.cacheTreeHashes(suite: suite)
        } else {
            // Malformed (validation refuses it anyway): hash everything from scratch, with the
            // exclusions applied wherever the unmerged leaves are listed.
            hashed.hashCache = HashCache(count: storage.count)
        }
        return hashed.verifyParentHashesUsingCache(suite: suite)
    }

    /// Whether every parent lists only unmerged leaves of its own subtree.
    private var unmergedLeavesLieBelowTheirParents: Bool {
        for index in stride(from: UInt32(1), to: UInt32(storage.count), by: 2) {
            guard case .parent(let parent)? = storage[Int(index)] else { continue }
            for leaf in parent.unmergedLeaves where !TreeMath.isInSubtree(TreeMath.node(ofLeaf: leaf), of: index) {
                return false
            }
        }
        return true
    }

    private func verifyParentHashesUsingCache(suite: CipherSuite) -> Bool {
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
