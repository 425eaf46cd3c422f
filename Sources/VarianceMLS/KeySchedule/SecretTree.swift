/// Which of a leaf's two hash ratchets a message uses (RFC 9420 §9.1).
public enum RatchetKind: Sendable, Hashable {
    /// Proposals and commits.
    case handshake
    /// Application messages.
    case application
}

/// An AEAD key and nonce for one generation of a hash ratchet.
public struct RatchetKey: Sendable, Hashable {
    /// The ratchet generation.
    public let generation: UInt32
    /// AEAD key.
    public let key: [UInt8]
    /// AEAD nonce (before the reuse guard is applied).
    public let nonce: [UInt8]
}

/// One hash ratchet: `secret[j+1] = DeriveTreeSecret(secret[j], "secret", j, Nh)`.
///
/// Keys of skipped generations are kept for out-of-order messages, at most
/// ``SecretTree/maximumSkippedKeys`` of them (oldest dropped first); a used key is deleted.
struct HashRatchet: Sendable, Hashable {
    var secret: [UInt8]
    var generation: UInt32 = 0
    var skipped: [UInt32: RatchetKey] = [:]

    init(secret: [UInt8]) { self.secret = secret }

    private func derive(suite: CipherSuite) -> RatchetKey {
        RatchetKey(
            generation: generation,
            key: suite.deriveTreeSecret(secret, label: "key", generation: generation, length: suite.aeadKeyLength),
            nonce: suite.deriveTreeSecret(
                secret, label: "nonce", generation: generation, length: suite.aeadNonceLength))
    }

    private mutating func advance(suite: CipherSuite) throws {
        guard generation < UInt32.max else { throw MLSError.wrongState("hash ratchet exhausted") }
        secret = suite.deriveTreeSecret(secret, label: "secret", generation: generation, length: suite.hashLength)
        generation += 1
    }

    /// The key for the current generation; the ratchet moves past it.
    mutating func next(suite: CipherSuite) throws -> RatchetKey {
        let key = derive(suite: suite)
        try advance(suite: suite)
        return key
    }

    /// The key for `target`, ratcheting forward (keeping skipped keys) if needed.
    mutating func key(for target: UInt32, suite: CipherSuite) throws -> RatchetKey {
        if target < generation {
            guard let key = skipped.removeValue(forKey: target) else {
                throw MLSError.wrongState("ratchet generation already used or expired")
            }
            return key
        }
        guard target - generation <= SecretTree.maximumForwardDistance else {
            throw MLSError.invalid("ratchet generation too far ahead")
        }
        while generation < target {
            let key = try next(suite: suite)
            skipped[key.generation] = key
            if skipped.count > SecretTree.maximumSkippedKeys, let oldest = skipped.keys.min() {
                skipped.removeValue(forKey: oldest)
            }
        }
        return try next(suite: suite)
    }
}

/// The secret tree of one epoch (RFC 9420 §9): per-leaf handshake and application ratchets
/// derived from `encryption_secret`. Node secrets are deleted as soon as their children exist.
public struct SecretTree: Sendable, Hashable {
    /// How far ahead of the current generation a message may be.
    public static let maximumForwardDistance: UInt32 = 1024
    /// How many skipped keys a single ratchet keeps.
    public static let maximumSkippedKeys = 256

    let suite: CipherSuite
    /// Number of leaves in the group's tree.
    public let leafCount: UInt32
    var nodeSecrets: [UInt32: [UInt8]]
    var ratchets: [UInt32: LeafRatchets] = [:]

    /// A tree rooted at `encryptionSecret` for a group tree of `leafCount` leaves.
    public init(suite: CipherSuite, encryptionSecret: [UInt8], leafCount: UInt32) {
        self.suite = suite
        self.leafCount = leafCount
        nodeSecrets = [TreeMath.root(leafCount: leafCount): encryptionSecret]
    }

    private mutating func leafRatchets(_ leaf: UInt32) throws -> LeafRatchets {
        guard leaf < leafCount else { throw MLSError.invalid("leaf index outside the tree") }
        if let existing = ratchets[leaf] { return existing }
        let target = TreeMath.node(ofLeaf: leaf)
        // path[0] is the leaf, path.last the root; only one of them holds a secret.
        let path = [target] + TreeMath.directPath(target, leafCount: leafCount)
        guard var index = path.firstIndex(where: { nodeSecrets[$0] != nil }) else {
            throw MLSError.wrongState("secret tree leaf already consumed")
        }
        while index > 0 {
            let node = path[index]
            guard let secret = nodeSecrets.removeValue(forKey: node), let left = TreeMath.left(node),
                let right = TreeMath.right(node)
            else { throw MLSError.wrongState("secret tree node missing") }
            let length = suite.hashLength
            nodeSecrets[left] = suite.expandWithLabel(
                secret, label: "tree", context: Array("left".utf8), length: length)
            nodeSecrets[right] = suite.expandWithLabel(
                secret, label: "tree", context: Array("right".utf8), length: length)
            index -= 1
        }
        guard let leafSecret = nodeSecrets.removeValue(forKey: target) else {
            throw MLSError.wrongState("secret tree leaf already consumed")
        }
        let created = LeafRatchets(
            handshake: HashRatchet(
                secret: suite.expandWithLabel(leafSecret, label: "handshake", context: [], length: suite.hashLength)),
            application: HashRatchet(
                secret: suite.expandWithLabel(leafSecret, label: "application", context: [], length: suite.hashLength)))
        ratchets[leaf] = created
        return created
    }

    /// The next unused key of `leaf`'s `kind` ratchet, for sending.
    public mutating func nextKey(leaf: UInt32, kind: RatchetKind) throws -> RatchetKey {
        var all = try leafRatchets(leaf)
        let key = try all[kind].next(suite: suite)
        ratchets[leaf] = all
        return key
    }

    /// The key of `generation` on `leaf`'s `kind` ratchet, for receiving; it is then deleted.
    public mutating func key(leaf: UInt32, kind: RatchetKind, generation: UInt32) throws -> RatchetKey {
        var all = try leafRatchets(leaf)
        let key = try all[kind].key(for: generation, suite: suite)
        ratchets[leaf] = all
        return key
    }
}

/// A leaf's pair of hash ratchets.
struct LeafRatchets: Sendable, Hashable {
    var handshake: HashRatchet
    var application: HashRatchet

    subscript(kind: RatchetKind) -> HashRatchet {
        get { kind == .handshake ? handshake : application }
        set {
            if kind == .handshake { handshake = newValue } else { application = newValue }
        }
    }
}
