/// `ParentNode` (RFC 9420 §7.1).
public struct ParentNode: TLSCodable, Hashable {
    /// HPKE public key.
    public var encryptionKey: [UInt8]
    /// Parent hash of the next node on the filtered direct path.
    public var parentHash: [UInt8]
    /// Leaves added below this node since it was last set, in ascending order.
    public var unmergedLeaves: [UInt32]

    /// Creates a parent node.
    public init(encryptionKey: [UInt8], parentHash: [UInt8], unmergedLeaves: [UInt32]) {
        self.encryptionKey = encryptionKey
        self.parentHash = parentHash
        self.unmergedLeaves = unmergedLeaves
    }

    public func encode(to writer: inout TLSWriter) {
        writer.writeOpaque(encryptionKey)
        writer.writeOpaque(parentHash)
        writer.writeVector(unmergedLeaves)
    }

    public init(from reader: inout TLSReader) throws {
        encryptionKey = try reader.readOpaque()
        parentHash = try reader.readOpaque()
        unmergedLeaves = try reader.readVector(of: UInt32.self)
    }
}

/// `Node` (RFC 9420 §7.1... §12.4.3.3): a leaf or parent in the ratchet tree.
public enum Node: TLSCodable, Hashable {
    /// A leaf.
    case leaf(LeafNode)
    /// A parent.
    case parent(ParentNode)

    /// The node's HPKE public key.
    public var encryptionKey: [UInt8] {
        switch self {
        case .leaf(let leaf): leaf.encryptionKey
        case .parent(let parent): parent.encryptionKey
        }
    }

    public func encode(to writer: inout TLSWriter) {
        switch self {
        case .leaf(let leaf):
            writer.write(UInt8(1))
            writer.write(leaf)
        case .parent(let parent):
            writer.write(UInt8(2))
            writer.write(parent)
        }
    }

    public init(from reader: inout TLSReader) throws {
        switch try reader.readUInt8() {
        case 1: self = .leaf(try reader.read())
        case 2: self = .parent(try reader.read())
        default: throw MLSError.malformed("unknown node type")
        }
    }
}
