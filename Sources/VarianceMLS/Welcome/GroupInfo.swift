/// A `GroupInfo` as decoded (RFC 9420 §12.4.3), before its signature is checked.
public struct UnverifiedGroupInfo: TLSCodable, Hashable {
    /// The group's context in the new epoch.
    public var groupContext: GroupContext
    /// GroupInfo extensions (e.g. `ratchet_tree`, `external_pub`).
    public var extensions: [Extension]
    /// Confirmation tag of the commit that started the epoch.
    public var confirmationTag: [UInt8]
    /// Leaf index of the signer.
    public var signer: UInt32
    /// SignWithLabel(., "GroupInfoTBS", GroupInfoTBS).
    public var signature: [UInt8]

    /// Creates a group info value.
    public init(
        groupContext: GroupContext, extensions: [Extension], confirmationTag: [UInt8], signer: UInt32,
        signature: [UInt8]
    ) {
        self.groupContext = groupContext
        self.extensions = extensions
        self.confirmationTag = confirmationTag
        self.signer = signer
        self.signature = signature
    }

    /// The `GroupInfoTBS` bytes.
    public var toBeSigned: [UInt8] {
        var writer = TLSWriter()
        writer.write(groupContext)
        writer.writeVector(extensions)
        writer.writeOpaque(confirmationTag)
        writer.write(signer)
        return writer.bytes
    }

    public func encode(to writer: inout TLSWriter) {
        writer.writeRaw(toBeSigned)
        writer.writeOpaque(signature)
    }

    public init(from reader: inout TLSReader) throws {
        groupContext = try reader.read()
        extensions = try reader.readVector(of: Extension.self)
        confirmationTag = try reader.readOpaque()
        signer = try reader.readUInt32()
        signature = try reader.readOpaque()
    }

    /// Throws unless the signature verifies under `signerPublicKey`.
    public func verify(suite: CipherSuite, signerPublicKey: [UInt8]) throws -> GroupInfo {
        guard
            suite.verifyWithLabel(
                publicKey: signerPublicKey, label: "GroupInfoTBS", content: toBeSigned, signature: signature)
        else { throw MLSError.authentication("group info signature") }
        return GroupInfo(value: self)
    }

    /// Signs in place.
    public mutating func sign(suite: CipherSuite, key: SignaturePrivateKey) throws {
        signature = try suite.signWithLabel(key, label: "GroupInfoTBS", content: toBeSigned)
    }
}

/// A GroupInfo whose signature was checked against the signer's leaf.
public struct GroupInfo: Sendable, Hashable {
    /// The checked value.
    public let value: UnverifiedGroupInfo
}
