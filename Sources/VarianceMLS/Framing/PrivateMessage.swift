/// `SenderData` (RFC 9420 §6.3.2).
public struct SenderData: TLSCodable, Hashable {
    /// Sender's leaf index.
    public var leafIndex: UInt32
    /// Ratchet generation used.
    public var generation: UInt32
    /// Four random bytes XORed into the nonce.
    public var reuseGuard: [UInt8]

    /// Creates sender data.
    public init(leafIndex: UInt32, generation: UInt32, reuseGuard: [UInt8]) {
        self.leafIndex = leafIndex
        self.generation = generation
        self.reuseGuard = reuseGuard
    }

    public func encode(to writer: inout TLSWriter) {
        writer.write(leafIndex)
        writer.write(generation)
        writer.writeRaw(reuseGuard)
    }

    public init(from reader: inout TLSReader) throws {
        leafIndex = try reader.readUInt32()
        generation = try reader.readUInt32()
        reuseGuard = try reader.readRaw(count: 4)
    }
}

/// `PrivateMessage` (RFC 9420 §6.3): signed and encrypted content.
public struct PrivateMessage: TLSCodable, Hashable {
    /// Group identifier.
    public var groupID: [UInt8]
    /// Epoch.
    public var epoch: UInt64
    /// Content type (in the clear).
    public var contentType: ContentType
    /// Authenticated data (in the clear).
    public var authenticatedData: [UInt8]
    /// Encrypted `SenderData`.
    public var encryptedSenderData: [UInt8]
    /// Encrypted `PrivateMessageContent`.
    public var ciphertext: [UInt8]

    /// Creates a message from its parts.
    public init(
        groupID: [UInt8], epoch: UInt64, contentType: ContentType, authenticatedData: [UInt8],
        encryptedSenderData: [UInt8], ciphertext: [UInt8]
    ) {
        self.groupID = groupID
        self.epoch = epoch
        self.contentType = contentType
        self.authenticatedData = authenticatedData
        self.encryptedSenderData = encryptedSenderData
        self.ciphertext = ciphertext
    }

    public func encode(to writer: inout TLSWriter) {
        writer.writeOpaque(groupID)
        writer.write(epoch)
        writer.write(contentType.rawValue)
        writer.writeOpaque(authenticatedData)
        writer.writeOpaque(encryptedSenderData)
        writer.writeOpaque(ciphertext)
    }

    public init(from reader: inout TLSReader) throws {
        groupID = try reader.readOpaque()
        epoch = try reader.readUInt64()
        contentType = try ContentType.read(from: &reader)
        authenticatedData = try reader.readOpaque()
        encryptedSenderData = try reader.readOpaque()
        ciphertext = try reader.readOpaque()
    }

    private static func contentAAD(groupID: [UInt8], epoch: UInt64, type: ContentType, data: [UInt8]) -> [UInt8] {
        var writer = TLSWriter()
        writer.writeOpaque(groupID)
        writer.write(epoch)
        writer.write(type.rawValue)
        writer.writeOpaque(data)
        return writer.bytes
    }

    private static func senderDataAAD(groupID: [UInt8], epoch: UInt64, type: ContentType) -> [UInt8] {
        var writer = TLSWriter()
        writer.writeOpaque(groupID)
        writer.write(epoch)
        writer.write(type.rawValue)
        return writer.bytes
    }

    /// `sender_data_key` and `sender_data_nonce` for a content ciphertext (RFC 9420 §6.3.2).
    public static func senderDataKeyAndNonce(
        suite: CipherSuite, senderDataSecret: [UInt8], ciphertext: [UInt8]
    ) -> (key: [UInt8], nonce: [UInt8]) {
        let sample = Array(ciphertext.prefix(suite.hashLength))
        return (
            suite.expandWithLabel(senderDataSecret, label: "key", context: sample, length: suite.aeadKeyLength),
            suite.expandWithLabel(senderDataSecret, label: "nonce", context: sample, length: suite.aeadNonceLength)
        )
    }

    private static func guarded(_ nonce: [UInt8], _ reuseGuard: [UInt8]) -> [UInt8] {
        var result = nonce
        for index in 0..<4 { result[index] ^= reuseGuard[index] }
        return result
    }

    /// Encrypts signed content from a member sender, taking the next key of its ratchet.
    ///
    /// `reuseGuard` must be 4 fresh random bytes; `paddingLength` zero bytes are appended.
    public static func protect(
        _ authenticated: AuthenticatedContent, suite: CipherSuite, secretTree: inout SecretTree,
        senderDataSecret: [UInt8], reuseGuard: [UInt8], paddingLength: Int = 0
    ) throws -> PrivateMessage {
        guard authenticated.wireFormat == .privateMessage else {
            throw MLSError.invalid("content was signed for another wire format")
        }
        guard case .member(let leaf) = authenticated.content.sender else {
            throw MLSError.invalid("only members can send PrivateMessages")
        }
        guard reuseGuard.count == 4, paddingLength >= 0 else { throw MLSError.invalid("bad reuse guard or padding") }
        let content = authenticated.content
        let type = content.body.contentType
        let key = try secretTree.nextKey(leaf: leaf, kind: type == .application ? .application : .handshake)

        var plaintext = TLSWriter()
        content.body.encode(to: &plaintext)
        authenticated.auth.encode(to: &plaintext)
        plaintext.writeRaw([UInt8](repeating: 0, count: paddingLength))
        let ciphertext = try suite.seal(
            key: key.key, nonce: guarded(key.nonce, reuseGuard),
            aad: contentAAD(
                groupID: content.groupID, epoch: content.epoch, type: type, data: content.authenticatedData),
            plaintext: plaintext.bytes)

        let senderKey = senderDataKeyAndNonce(suite: suite, senderDataSecret: senderDataSecret, ciphertext: ciphertext)
        let senderData = SenderData(leafIndex: leaf, generation: key.generation, reuseGuard: reuseGuard)
        let encryptedSenderData = try suite.seal(
            key: senderKey.key, nonce: senderKey.nonce,
            aad: senderDataAAD(groupID: content.groupID, epoch: content.epoch, type: type),
            plaintext: senderData.tlsSerialized)
        return PrivateMessage(
            groupID: content.groupID, epoch: content.epoch, contentType: type,
            authenticatedData: content.authenticatedData, encryptedSenderData: encryptedSenderData,
            ciphertext: ciphertext)
    }

    /// Decrypts the sender data.
    public func decryptSenderData(suite: CipherSuite, senderDataSecret: [UInt8]) throws -> SenderData {
        let senderKey = Self.senderDataKeyAndNonce(
            suite: suite, senderDataSecret: senderDataSecret, ciphertext: ciphertext)
        let plaintext = try suite.open(
            key: senderKey.key, nonce: senderKey.nonce,
            aad: Self.senderDataAAD(groupID: groupID, epoch: epoch, type: contentType), ciphertext: encryptedSenderData)
        return try SenderData(tlsSerialized: plaintext)
    }

    /// Decrypts and verifies the message.
    ///
    /// `signaturePublicKey` maps the sender's leaf index to its signature key and throws
    /// for a blank leaf. The secret tree is changed only if decryption succeeds. The
    /// confirmation tag of a commit is not checked here.
    public func unprotect(
        suite: CipherSuite, secretTree: inout SecretTree, senderDataSecret: [UInt8], context: GroupContext,
        signaturePublicKey: (UInt32) throws -> [UInt8]
    ) throws -> AuthenticatedContent {
        guard groupID == context.groupID, epoch == context.epoch else {
            throw MLSError.wrongState("message is for another group or epoch")
        }
        let senderData = try decryptSenderData(suite: suite, senderDataSecret: senderDataSecret)
        let publicKey = try signaturePublicKey(senderData.leafIndex)
        var candidate = secretTree
        let key = try candidate.key(
            leaf: senderData.leafIndex, kind: contentType == .application ? .application : .handshake,
            generation: senderData.generation)
        let plaintext = try suite.open(
            key: key.key, nonce: Self.guarded(key.nonce, senderData.reuseGuard),
            aad: Self.contentAAD(groupID: groupID, epoch: epoch, type: contentType, data: authenticatedData),
            ciphertext: ciphertext)

        var reader = TLSReader(plaintext)
        let body = try FramedContentBody.read(contentType, from: &reader)
        let auth = try FramedContentAuthData.read(contentType, from: &reader)
        guard try reader.readRaw(count: reader.remaining).allSatisfy({ $0 == 0 }) else {
            throw MLSError.malformed("non-zero padding")
        }
        let content = FramedContent(
            groupID: groupID, epoch: epoch, sender: .member(senderData.leafIndex),
            authenticatedData: authenticatedData, body: body)
        let authenticated = AuthenticatedContent(wireFormat: .privateMessage, content: content, auth: auth)
        try authenticated.verifySignature(suite: suite, publicKey: publicKey, context: context)
        secretTree = candidate
        return authenticated
    }
}
