/// A member's private half of the ratchet tree: its leaf's HPKE key and the keys of the
/// parent nodes above it that it knows (the tree invariant, RFC 9420 §4.2).
public struct TreePrivateKeys: Sendable {
    /// The member's own leaf index.
    public let leaf: UInt32
    /// Private keys by node index (including the member's leaf node).
    public private(set) var keys: [UInt32: HPKEPrivateKey]

    /// Keys for `leaf` holding only its leaf key.
    public init(leaf: UInt32, leafKey: HPKEPrivateKey) {
        self.leaf = leaf
        keys = [TreeMath.node(ofLeaf: leaf): leafKey]
    }

    /// Sets node `node`'s key from its path secret; returns the key.
    @discardableResult
    public mutating func setPathSecret(_ pathSecret: [UInt8], node: UInt32, suite: CipherSuite) -> HPKEPrivateKey {
        let key = TreeKEM.nodeKey(suite: suite, pathSecret: pathSecret)
        keys[node] = key
        return key
    }

    mutating func setKey(_ key: HPKEPrivateKey, node: UInt32) { keys[node] = key }

    /// Whether every key held belongs to a non-blank node with the matching public key.
    public func isConsistent(with tree: RatchetTree) -> Bool {
        keys.allSatisfy { node, key in tree[node: node]?.encryptionKey == key.publicKey }
    }

    /// Drops keys whose node is blank or holds another public key.
    public mutating func prune(to tree: RatchetTree) {
        keys = keys.filter { node, key in tree[node: node]?.encryptionKey == key.publicKey }
    }

    /// The key for `node` if held and still current in `tree`.
    func key(for node: UInt32, in tree: RatchetTree) -> HPKEPrivateKey? {
        guard let key = keys[node], tree[node: node]?.encryptionKey == key.publicKey else { return nil }
        return key
    }
}
