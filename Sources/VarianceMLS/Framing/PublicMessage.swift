/// `PublicMessage` (RFC 9420 §6.2): signed, MACed, not encrypted.
///
/// A decoded PublicMessage is unauthenticated; ``unprotect(suite:membershipKey:context:signaturePublicKey:)``
/// checks the membership tag and signature and yields ``AuthenticatedContent``.
public struct PublicMessage: TLSCodable, Hashable {
    /// The content.
    public var content: FramedContent
    /// Signature and confirmation tag.
    public var auth: FramedContentAuthData
    /// MAC over the content for member senders; nil for others.
    public var membershipTag: [UInt8]?

    /// Creates a message from its parts.
    public init(content: FramedContent, auth: FramedContentAuthData, membershipTag: [UInt8]?) {
        self.content = content
        self.auth = auth
        self.membershipTag = membershipTag
    }

    public func encode(to writer: inout TLSWriter) {
        writer.write(content)
        auth.encode(to: &writer)
        if case .member = content.sender, let membershipTag { writer.writeOpaque(membershipTag) }
    }

    public init(from reader: inout TLSReader) throws {
        content = try reader.read()
        auth = try FramedContentAuthData.read(content.body.contentType, from: &reader)
        if case .member = content.sender {
            membershipTag = try reader.readOpaque()
        } else {
            membershipTag = nil
        }
    }

    private static func tbm(content: FramedContent, auth: FramedContentAuthData, context: GroupContext) -> [UInt8] {
        var writer = TLSWriter()
        writer.writeRaw(framedContentTBS(wireFormat: .publicMessage, content: content, context: context))
        auth.encode(to: &writer)
        return writer.bytes
    }

    /// Wraps signed content for sending in the clear. Application data is refused
    /// (RFC 9420 §6: application messages must be PrivateMessages).
    public static func protect(
        _ authenticated: AuthenticatedContent, suite: CipherSuite, membershipKey: [UInt8], context: GroupContext
    ) throws -> PublicMessage {
        guard authenticated.wireFormat == .publicMessage else {
            throw MLSError.invalid("content was signed for another wire format")
        }
        if case .application = authenticated.content.body {
            throw MLSError.invalid("application data cannot be sent as a PublicMessage")
        }
        var tag: [UInt8]?
        if case .member = authenticated.content.sender {
            tag = suite.mac(
                key: membershipKey, tbm(content: authenticated.content, auth: authenticated.auth, context: context))
        }
        return PublicMessage(content: authenticated.content, auth: authenticated.auth, membershipTag: tag)
    }

    /// Checks the membership tag (member senders) and the signature.
    ///
    /// The confirmation tag of a commit is not checked here: it depends on the next
    /// epoch's key schedule.
    public func unprotect(
        suite: CipherSuite, membershipKey: [UInt8], context: GroupContext, signaturePublicKey: [UInt8]
    ) throws -> AuthenticatedContent {
        if case .application = content.body {
            throw MLSError.invalid("application data in a PublicMessage")
        }
        if case .member = content.sender {
            guard let membershipTag,
                suite.verifyMAC(
                    key: membershipKey, Self.tbm(content: content, auth: auth, context: context), tag: membershipTag)
            else { throw MLSError.authentication("membership tag") }
        }
        let authenticated = AuthenticatedContent(wireFormat: .publicMessage, content: content, auth: auth)
        try authenticated.verifySignature(suite: suite, publicKey: signaturePublicKey, context: context)
        return authenticated
    }
}

extension AuthenticatedContent {
    /// Signs `content` for `wireFormat`. `confirmationTag` must be given exactly for commits.
    public static func sign(
        suite: CipherSuite, key: SignaturePrivateKey, wireFormat: WireFormat, content: FramedContent,
        context: GroupContext, confirmationTag: [UInt8]? = nil
    ) throws -> AuthenticatedContent {
        guard (content.body.contentType == .commit) == (confirmationTag != nil) else {
            throw MLSError.invalid("confirmation tag must accompany exactly the commits")
        }
        let signature = try suite.signWithLabel(
            key, label: "FramedContentTBS",
            content: framedContentTBS(wireFormat: wireFormat, content: content, context: context))
        return AuthenticatedContent(
            wireFormat: wireFormat, content: content,
            auth: FramedContentAuthData(signature: signature, confirmationTag: confirmationTag))
    }

    /// Throws unless the signature verifies under `publicKey`.
    public func verifySignature(suite: CipherSuite, publicKey: [UInt8], context: GroupContext) throws {
        guard
            suite.verifyWithLabel(
                publicKey: publicKey, label: "FramedContentTBS",
                content: framedContentTBS(wireFormat: wireFormat, content: content, context: context),
                signature: auth.signature)
        else { throw MLSError.authentication("content signature") }
    }
}
