/// Adding, updating and removing leaves (RFC 9420 §7.7, §12.1.1-12.1.3).
extension RatchetTree {
    /// Puts `leafNode` in the leftmost blank leaf, extending the tree if it is full, and adds
    /// the new leaf to the unmerged leaves of the non-blank parents above it.
    @discardableResult
    public mutating func addLeaf(_ leafNode: LeafNode) throws -> UInt32 {
        try addLeaf(leafNode, searchingFrom: 0)
    }

    /// ``addLeaf(_:)`` for callers that know no leaf before `start` is blank (several Adds in
    /// a row), so the search for the leftmost blank leaf does not start over each time.
    mutating func addLeaf(_ leafNode: LeafNode, searchingFrom start: UInt32) throws -> UInt32 {
        let index: UInt32
        if let blank = firstBlankLeaf(from: start) {
            index = blank
        } else {
            guard leafCount < Self.maximumLeafCount else { throw MLSError.invalid("group is full") }
            index = leafCount
            appendBlankNodes(Int(leafCount) * 2)
        }
        let node = TreeMath.node(ofLeaf: index)
        setNode(node, .leaf(leafNode))
        for parentIndex in TreeMath.directPath(node, leafCount: leafCount) {
            if var parent = parent(parentIndex) {
                // RFC 9420 §7.1: unmerged_leaves is sorted in increasing order.
                let position = parent.unmergedLeaves.firstIndex { $0 > index } ?? parent.unmergedLeaves.endIndex
                parent.unmergedLeaves.insert(index, at: position)
                setNode(parentIndex, .parent(parent))
            }
        }
        return index
    }

    /// Replaces leaf `index` and blanks its direct path (an Update proposal).
    public mutating func updateLeaf(_ index: UInt32, with leafNode: LeafNode) throws {
        guard leaf(index) != nil else { throw MLSError.invalid("update of a blank leaf") }
        let node = TreeMath.node(ofLeaf: index)
        setNode(node, .leaf(leafNode))
        blankDirectPath(of: node)
    }

    /// Blanks leaf `index` and its direct path, then truncates the tree.
    public mutating func removeLeaf(_ index: UInt32) throws {
        guard leaf(index) != nil else { throw MLSError.invalid("removal of a blank leaf") }
        let node = TreeMath.node(ofLeaf: index)
        setNode(node, nil)
        blankDirectPath(of: node)
        truncate()
    }

    mutating func blankDirectPath(of node: UInt32) {
        for parentIndex in TreeMath.directPath(node, leafCount: leafCount) { setNode(parentIndex, nil) }
    }

    /// Drops the right half of the tree while it holds no leaf.
    mutating func truncate() {
        while leafCount > 1 {
            let half = leafCount / 2
            guard (half..<leafCount).allSatisfy({ isBlank(TreeMath.node(ofLeaf: $0)) }) else { return }
            keepPrefix(Int(TreeMath.nodeWidth(leafCount: half)))
        }
    }
}

/// Checks a joiner runs on a received tree (RFC 9420 §12.4.3.1, §7.3).
extension RatchetTree {
    /// Validates the tree as a new member must: parent hashes, leaf signatures, unmerged
    /// leaves, and uniqueness of encryption and signature keys.
    public func validate(suite: CipherSuite, groupID: [UInt8]) throws {
        // Structure first (cheap), then signatures and parent hashes.
        var encryptionKeys = Set<[UInt8]>()
        var signatureKeys = Set<[UInt8]>()
        for (index, node) in nodes.enumerated() {
            guard let node else { continue }
            guard encryptionKeys.insert(node.encryptionKey).inserted else {
                throw MLSError.invalid("two nodes share an encryption key")
            }
            switch node {
            case .leaf(let leaf):
                guard signatureKeys.insert(leaf.signatureKey).inserted else {
                    throw MLSError.invalid("two leaves share a signature key")
                }
            case .parent(let parent):
                try checkUnmergedLeaves(of: parent, at: UInt32(index))
            }
        }
        for leafIndex in 0..<leafCount {
            guard let leaf = leaf(leafIndex) else { continue }
            guard leaf.verifySignature(suite: suite, groupID: groupID, leafIndex: leafIndex) else {
                throw MLSError.authentication("tree leaf signature")
            }
        }
        guard verifyParentHashes(suite: suite) else { throw MLSError.authentication("tree parent hashes") }
    }

    private func checkUnmergedLeaves(of parent: ParentNode, at index: UInt32) throws {
        guard zip(parent.unmergedLeaves, parent.unmergedLeaves.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw MLSError.invalid("unmerged leaves are not sorted")
        }
        for unmerged in parent.unmergedLeaves {
            let leafNode = TreeMath.node(ofLeaf: unmerged)
            guard leaf(unmerged) != nil, TreeMath.isInSubtree(leafNode, of: index) else {
                throw MLSError.invalid("unmerged leaf is blank or not below its parent")
            }
            for between in TreeMath.directPath(leafNode, leafCount: leafCount) {
                if between == index { break }
                if let middle = self.parent(between), !middle.unmergedLeaves.contains(unmerged) {
                    throw MLSError.invalid("unmerged leaf missing from an intermediate node")
                }
            }
        }
    }
}
