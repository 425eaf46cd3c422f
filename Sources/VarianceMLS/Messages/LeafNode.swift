/// Where a leaf node came from, with its source-specific field (RFC 9420 §7.2).
public enum LeafNodeSource: Hashable, Sendable {
    /// In a KeyPackage, with its lifetime.
    case keyPackage(Lifetime)
    /// In an Update proposal.
    case update
    /// In a Commit's UpdatePath, with the parent hash it signs.
    case commit(parentHash: [UInt8])

    var rawValue: UInt8 {
        switch self {
        case .keyPackage: 1
        case .update: 2
        case .commit: 3
        }
    }
}

/// `LeafNode` (RFC 9420 §7.2): a member's leaf in the ratchet tree.
///
/// A decoded leaf node is only a syntactically valid value; ``verifySignature(suite:groupID:leafIndex:)``
/// checks its signature.
public struct LeafNode: TLSCodable, Hashable {
    /// The HPKE public key of the leaf.
    public var encryptionKey: [UInt8]
    /// The member's signature public key.
    public var signatureKey: [UInt8]
    /// The member's credential.
    public var credential: Credential
    /// What the member supports.
    public var capabilities: Capabilities
    /// Where the leaf node came from.
    public var source: LeafNodeSource
    /// Leaf extensions.
    public var extensions: [Extension]
    /// SignWithLabel(., "LeafNodeTBS", LeafNodeTBS).
    public var signature: [UInt8]

    /// Creates an unsigned leaf node (empty signature); sign it with ``sign(suite:key:groupID:leafIndex:)``.
    public init(
        encryptionKey: [UInt8], signatureKey: [UInt8], credential: Credential, capabilities: Capabilities,
        source: LeafNodeSource, extensions: [Extension] = []
    ) {
        self.encryptionKey = encryptionKey
        self.signatureKey = signatureKey
        self.credential = credential
        self.capabilities = capabilities
        self.source = source
        self.extensions = extensions
        self.signature = []
    }

    /// The parent hash of a commit-sourced leaf, else nil.
    public var parentHash: [UInt8]? {
        if case .commit(let hash) = source { return hash }
        return nil
    }

    private func encodeContent(to writer: inout TLSWriter) {
        writer.writeOpaque(encryptionKey)
        writer.writeOpaque(signatureKey)
        writer.write(credential)
        writer.write(capabilities)
        writer.write(source.rawValue)
        switch source {
        case .keyPackage(let lifetime): writer.write(lifetime)
        case .update: break
        case .commit(let parentHash): writer.writeOpaque(parentHash)
        }
        writer.writeVector(extensions)
    }

    /// The `LeafNodeTBS` bytes. `groupID` and `leafIndex` are used for update and commit sources.
    public func toBeSigned(groupID: [UInt8], leafIndex: UInt32) -> [UInt8] {
        var writer = TLSWriter()
        encodeContent(to: &writer)
        switch source {
        case .keyPackage: break
        case .update, .commit:
            writer.writeOpaque(groupID)
            writer.write(leafIndex)
        }
        return writer.bytes
    }

    /// Signs the node in place.
    public mutating func sign(suite: CipherSuite, key: SignaturePrivateKey, groupID: [UInt8], leafIndex: UInt32) throws
    {
        signature = try suite.signWithLabel(
            key, label: "LeafNodeTBS", content: toBeSigned(groupID: groupID, leafIndex: leafIndex))
    }

    /// Whether the signature verifies with the node's own signature key.
    public func verifySignature(suite: CipherSuite, groupID: [UInt8], leafIndex: UInt32) -> Bool {
        suite.verifyWithLabel(
            publicKey: signatureKey, label: "LeafNodeTBS",
            content: toBeSigned(groupID: groupID, leafIndex: leafIndex), signature: signature)
    }

    public func encode(to writer: inout TLSWriter) {
        encodeContent(to: &writer)
        writer.writeOpaque(signature)
    }

    public init(from reader: inout TLSReader) throws {
        encryptionKey = try reader.readOpaque()
        signatureKey = try reader.readOpaque()
        credential = try reader.read()
        capabilities = try reader.read()
        switch try reader.readUInt8() {
        case 1: source = .keyPackage(try reader.read())
        case 2: source = .update
        case 3: source = .commit(parentHash: try reader.readOpaque())
        default: throw MLSError.malformed("unknown leaf node source")
        }
        extensions = try reader.readVector(of: Extension.self)
        signature = try reader.readOpaque()
    }
}
