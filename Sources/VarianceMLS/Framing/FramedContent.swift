/// `WireFormat` values (RFC 9420 §17.2).
public enum WireFormat: UInt16, Sendable, Hashable {
    /// `mls_public_message`.
    case publicMessage = 1
    /// `mls_private_message`.
    case privateMessage = 2
    /// `mls_welcome`.
    case welcome = 3
    /// `mls_group_info`.
    case groupInfo = 4
    /// `mls_key_package`.
    case keyPackage = 5

    static func read(from reader: inout TLSReader) throws -> WireFormat {
        guard let value = WireFormat(rawValue: try reader.readUInt16()) else {
            throw MLSError.malformed("unknown wire format")
        }
        return value
    }
}

/// `ContentType` (RFC 9420 §6).
public enum ContentType: UInt8, Sendable, Hashable {
    /// Application data.
    case application = 1
    /// A proposal.
    case proposal = 2
    /// A commit.
    case commit = 3

    static func read(from reader: inout TLSReader) throws -> ContentType {
        guard let value = ContentType(rawValue: try reader.readUInt8()) else {
            throw MLSError.malformed("unknown content type")
        }
        return value
    }
}

/// `Sender` (RFC 9420 §6).
public enum Sender: TLSCodable, Hashable {
    /// A member, by leaf index.
    case member(UInt32)
    /// An external sender, by index in the external_senders extension.
    case external(UInt32)
    /// A non-member proposing its own Add.
    case newMemberProposal
    /// A non-member joining by external commit.
    case newMemberCommit

    public func encode(to writer: inout TLSWriter) {
        switch self {
        case .member(let leaf):
            writer.write(UInt8(1))
            writer.write(leaf)
        case .external(let index):
            writer.write(UInt8(2))
            writer.write(index)
        case .newMemberProposal: writer.write(UInt8(3))
        case .newMemberCommit: writer.write(UInt8(4))
        }
    }

    public init(from reader: inout TLSReader) throws {
        switch try reader.readUInt8() {
        case 1: self = .member(try reader.readUInt32())
        case 2: self = .external(try reader.readUInt32())
        case 3: self = .newMemberProposal
        case 4: self = .newMemberCommit
        default: throw MLSError.malformed("unknown sender type")
        }
    }
}

/// The body of a `FramedContent`, selected by content type.
public enum FramedContentBody: Hashable, Sendable {
    /// Application data.
    case application([UInt8])
    /// The proposal itself.
    case proposal(Proposal)
    /// A commit.
    case commit(Commit)

    /// The content type of this body.
    public var contentType: ContentType {
        switch self {
        case .application: .application
        case .proposal: .proposal
        case .commit: .commit
        }
    }

    func encode(to writer: inout TLSWriter) {
        switch self {
        case .application(let data): writer.writeOpaque(data)
        case .proposal(let proposal): writer.write(proposal)
        case .commit(let commit): writer.write(commit)
        }
    }

    static func read(_ type: ContentType, from reader: inout TLSReader) throws -> FramedContentBody {
        switch type {
        case .application: .application(try reader.readOpaque())
        case .proposal: .proposal(try reader.read())
        case .commit: .commit(try reader.read())
        }
    }
}

/// `FramedContent` (RFC 9420 §6).
public struct FramedContent: TLSCodable, Hashable {
    /// Group identifier.
    public var groupID: [UInt8]
    /// Epoch the message belongs to.
    public var epoch: UInt64
    /// Who sent it.
    public var sender: Sender
    /// Application-chosen authenticated data.
    public var authenticatedData: [UInt8]
    /// The content.
    public var body: FramedContentBody

    /// Creates framed content.
    public init(groupID: [UInt8], epoch: UInt64, sender: Sender, authenticatedData: [UInt8], body: FramedContentBody) {
        self.groupID = groupID
        self.epoch = epoch
        self.sender = sender
        self.authenticatedData = authenticatedData
        self.body = body
    }

    public func encode(to writer: inout TLSWriter) {
        writer.writeOpaque(groupID)
        writer.write(epoch)
        writer.write(sender)
        writer.writeOpaque(authenticatedData)
        writer.write(body.contentType.rawValue)
        body.encode(to: &writer)
    }

    public init(from reader: inout TLSReader) throws {
        groupID = try reader.readOpaque()
        epoch = try reader.readUInt64()
        sender = try reader.read()
        authenticatedData = try reader.readOpaque()
        body = try FramedContentBody.read(try ContentType.read(from: &reader), from: &reader)
    }
}

/// `FramedContentAuthData` (RFC 9420 §6.1): signature, plus the confirmation tag of a commit.
public struct FramedContentAuthData: Hashable, Sendable {
    /// SignWithLabel(., "FramedContentTBS", FramedContentTBS).
    public var signature: [UInt8]
    /// Present exactly when the content is a commit.
    public var confirmationTag: [UInt8]?

    /// Creates auth data.
    public init(signature: [UInt8], confirmationTag: [UInt8]?) {
        self.signature = signature
        self.confirmationTag = confirmationTag
    }

    func encode(to writer: inout TLSWriter) {
        writer.writeOpaque(signature)
        if let confirmationTag { writer.writeOpaque(confirmationTag) }
    }

    static func read(_ type: ContentType, from reader: inout TLSReader) throws -> FramedContentAuthData {
        let signature = try reader.readOpaque()
        let tag = type == .commit ? try reader.readOpaque() : nil
        return FramedContentAuthData(signature: signature, confirmationTag: tag)
    }
}

/// `AuthenticatedContent` (RFC 9420 §6): content with its wire format and auth data.
public struct AuthenticatedContent: TLSCodable, Hashable {
    /// The wire format it is or will be sent in.
    public var wireFormat: WireFormat
    /// The content.
    public var content: FramedContent
    /// Signature and confirmation tag.
    public var auth: FramedContentAuthData

    /// Creates authenticated content.
    public init(wireFormat: WireFormat, content: FramedContent, auth: FramedContentAuthData) {
        self.wireFormat = wireFormat
        self.content = content
        self.auth = auth
    }

    public func encode(to writer: inout TLSWriter) {
        writer.write(wireFormat.rawValue)
        writer.write(content)
        auth.encode(to: &writer)
    }

    public init(from reader: inout TLSReader) throws {
        wireFormat = try WireFormat.read(from: &reader)
        content = try reader.read()
        auth = try FramedContentAuthData.read(content.body.contentType, from: &reader)
    }

    /// `ProposalRef`: RefHash("MLS 1.0 Proposal Reference", AuthenticatedContent).
    public func proposalReference(suite: CipherSuite) -> [UInt8] {
        suite.refHash(label: "MLS 1.0 Proposal Reference", value: tlsSerialized)
    }
}

/// `FramedContentTBS` bytes (RFC 9420 §6.1). `context` is required for member and
/// new-member-commit senders.
func framedContentTBS(wireFormat: WireFormat, content: FramedContent, context: GroupContext?) -> [UInt8] {
    var writer = TLSWriter()
    writer.write(UInt16(1))
    writer.write(wireFormat.rawValue)
    writer.write(content)
    switch content.sender {
    case .member, .newMemberCommit:
        if let context { writer.write(context) }
    case .external, .newMemberProposal:
        break
    }
    return writer.bytes
}
