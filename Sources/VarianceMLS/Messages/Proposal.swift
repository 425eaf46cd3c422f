/// `Add` (RFC 9420 §12.1.1).
public struct Add: TLSCodable, Hashable {
    /// The new member's key package (verified when the proposal is applied).
    public var keyPackage: UnverifiedKeyPackage
    /// Creates an Add.
    public init(keyPackage: UnverifiedKeyPackage) { self.keyPackage = keyPackage }
    public func encode(to writer: inout TLSWriter) { writer.write(keyPackage) }
    public init(from reader: inout TLSReader) throws { keyPackage = try reader.read() }
}

/// `Update` (RFC 9420 §12.1.2).
public struct Update: TLSCodable, Hashable {
    /// The sender's new leaf node.
    public var leafNode: LeafNode
    /// Creates an Update.
    public init(leafNode: LeafNode) { self.leafNode = leafNode }
    public func encode(to writer: inout TLSWriter) { writer.write(leafNode) }
    public init(from reader: inout TLSReader) throws { leafNode = try reader.read() }
}

/// `Remove` (RFC 9420 §12.1.3).
public struct Remove: TLSCodable, Hashable {
    /// Leaf index of the member to remove.
    public var removed: UInt32
    /// Creates a Remove.
    public init(removed: UInt32) { self.removed = removed }
    public func encode(to writer: inout TLSWriter) { writer.write(removed) }
    public init(from reader: inout TLSReader) throws { removed = try reader.readUInt32() }
}

/// `PreSharedKey` (RFC 9420 §12.1.4).
public struct PreSharedKeyProposal: TLSCodable, Hashable {
    /// The PSK to inject.
    public var psk: PreSharedKeyID
    /// Creates a PreSharedKey proposal.
    public init(psk: PreSharedKeyID) { self.psk = psk }
    public func encode(to writer: inout TLSWriter) { writer.write(psk) }
    public init(from reader: inout TLSReader) throws { psk = try reader.read() }
}

/// `ReInit` (RFC 9420 §12.1.5).
public struct ReInit: TLSCodable, Hashable {
    /// New group identifier.
    public var groupID: [UInt8]
    /// New protocol version.
    public var version: UInt16
    /// New cipher suite.
    public var cipherSuite: UInt16
    /// New group context extensions.
    public var extensions: [Extension]

    /// Creates a ReInit.
    public init(groupID: [UInt8], version: UInt16, cipherSuite: UInt16, extensions: [Extension]) {
        self.groupID = groupID
        self.version = version
        self.cipherSuite = cipherSuite
        self.extensions = extensions
    }

    public func encode(to writer: inout TLSWriter) {
        writer.writeOpaque(groupID)
        writer.write(version)
        writer.write(cipherSuite)
        writer.writeVector(extensions)
    }

    public init(from reader: inout TLSReader) throws {
        groupID = try reader.readOpaque()
        version = try reader.readUInt16()
        cipherSuite = try reader.readUInt16()
        extensions = try reader.readVector(of: Extension.self)
    }
}

/// `ExternalInit` (RFC 9420 §12.1.6).
public struct ExternalInit: TLSCodable, Hashable {
    /// KEM output for the external init secret.
    public var kemOutput: [UInt8]
    /// Creates an ExternalInit.
    public init(kemOutput: [UInt8]) { self.kemOutput = kemOutput }
    public func encode(to writer: inout TLSWriter) { writer.writeOpaque(kemOutput) }
    public init(from reader: inout TLSReader) throws { kemOutput = try reader.readOpaque() }
}

/// `GroupContextExtensions` (RFC 9420 §12.1.7).
public struct GroupContextExtensions: TLSCodable, Hashable {
    /// The new, complete list of group context extensions.
    public var extensions: [Extension]
    /// Creates a GroupContextExtensions proposal.
    public init(extensions: [Extension]) { self.extensions = extensions }
    public func encode(to writer: inout TLSWriter) { writer.writeVector(extensions) }
    public init(from reader: inout TLSReader) throws { extensions = try reader.readVector(of: Extension.self) }
}

/// `Proposal` (RFC 9420 §12.1). Proposal types outside the standard seven cannot be
/// decoded, since the wire format gives them no length prefix.
public enum Proposal: TLSCodable, Hashable {
    /// An Add.
    case add(Add)
    /// An Update.
    case update(Update)
    /// A Remove.
    case remove(Remove)
    /// A PreSharedKey.
    case preSharedKey(PreSharedKeyProposal)
    /// A ReInit.
    case reInit(ReInit)
    /// An ExternalInit.
    case externalInit(ExternalInit)
    /// A GroupContextExtensions.
    case groupContextExtensions(GroupContextExtensions)

    /// The proposal type value.
    public var proposalType: UInt16 {
        switch self {
        case .add: 1
        case .update: 2
        case .remove: 3
        case .preSharedKey: 4
        case .reInit: 5
        case .externalInit: 6
        case .groupContextExtensions: 7
        }
    }

    public func encode(to writer: inout TLSWriter) {
        writer.write(proposalType)
        switch self {
        case .add(let body): writer.write(body)
        case .update(let body): writer.write(body)
        case .remove(let body): writer.write(body)
        case .preSharedKey(let body): writer.write(body)
        case .reInit(let body): writer.write(body)
        case .externalInit(let body): writer.write(body)
        case .groupContextExtensions(let body): writer.write(body)
        }
    }

    public init(from reader: inout TLSReader) throws {
        switch try reader.readUInt16() {
        case 1: self = .add(try reader.read())
        case 2: self = .update(try reader.read())
        case 3: self = .remove(try reader.read())
        case 4: self = .preSharedKey(try reader.read())
        case 5: self = .reInit(try reader.read())
        case 6: self = .externalInit(try reader.read())
        case 7: self = .groupContextExtensions(try reader.read())
        default: throw MLSError.malformed("unknown proposal type")
        }
    }
}

/// `ProposalOrRef` (RFC 9420 §12.4): a proposal inline or by reference.
public enum ProposalOrRef: TLSCodable, Hashable {
    /// The proposal itself.
    case proposal(Proposal)
    /// A `ProposalRef` (RefHash of the AuthenticatedContent that carried it).
    case reference([UInt8])

    public func encode(to writer: inout TLSWriter) {
        switch self {
        case .proposal(let proposal):
            writer.write(UInt8(1))
            writer.write(proposal)
        case .reference(let ref):
            writer.write(UInt8(2))
            writer.writeOpaque(ref)
        }
    }

    public init(from reader: inout TLSReader) throws {
        switch try reader.readUInt8() {
        case 1: self = .proposal(try reader.read())
        case 2: self = .reference(try reader.readOpaque())
        default: throw MLSError.malformed("unknown ProposalOrRef type")
        }
    }
}
