/// `UpdatePathNode` (RFC 9420 §7.6).
public struct UpdatePathNode: TLSCodable, Hashable {
    /// New public key of the parent node.
    public var encryptionKey: [UInt8]
    /// The path secret, encrypted to each node of the copath child's resolution.
    public var encryptedPathSecret: [HPKECiphertext]

    /// Creates a path node.
    public init(encryptionKey: [UInt8], encryptedPathSecret: [HPKECiphertext]) {
        self.encryptionKey = encryptionKey
        self.encryptedPathSecret = encryptedPathSecret
    }

    public func encode(to writer: inout TLSWriter) {
        writer.writeOpaque(encryptionKey)
        writer.writeVector(encryptedPathSecret)
    }

    public init(from reader: inout TLSReader) throws {
        encryptionKey = try reader.readOpaque()
        encryptedPathSecret = try reader.readVector(of: HPKECiphertext.self)
    }
}

/// `UpdatePath` (RFC 9420 §7.6).
public struct UpdatePath: TLSCodable, Hashable {
    /// The committer's new leaf node.
    public var leafNode: LeafNode
    /// One entry per node of the committer's filtered direct path.
    public var nodes: [UpdatePathNode]

    /// Creates an update path.
    public init(leafNode: LeafNode, nodes: [UpdatePathNode]) {
        self.leafNode = leafNode
        self.nodes = nodes
    }

    public func encode(to writer: inout TLSWriter) {
        writer.write(leafNode)
        writer.writeVector(nodes)
    }

    public init(from reader: inout TLSReader) throws {
        leafNode = try reader.read()
        nodes = try reader.readVector(of: UpdatePathNode.self)
    }
}

/// `Commit` (RFC 9420 §12.4).
public struct Commit: TLSCodable, Hashable {
    /// Proposals, inline or by reference.
    public var proposals: [ProposalOrRef]
    /// The committer's update path, if any.
    public var path: UpdatePath?

    /// Creates a commit.
    public init(proposals: [ProposalOrRef], path: UpdatePath?) {
        self.proposals = proposals
        self.path = path
    }

    public func encode(to writer: inout TLSWriter) {
        writer.writeVector(proposals)
        writer.writeOptional(path)
    }

    public init(from reader: inout TLSReader) throws {
        proposals = try reader.readVector(of: ProposalOrRef.self)
        path = try reader.readOptional(UpdatePath.self)
    }
}
