/// `GroupSecrets` (RFC 9420 §12.4.3.1): what a Welcome encrypts to each new member.
public struct GroupSecrets: TLSCodable, Hashable {
    /// The joiner secret of the new epoch.
    public var joinerSecret: [UInt8]
    /// Path secret of the lowest common ancestor of committer and joiner, if any.
    public var pathSecret: [UInt8]?
    /// PSKs used in the epoch.
    public var psks: [PreSharedKeyID]

    /// Creates group secrets.
    public init(joinerSecret: [UInt8], pathSecret: [UInt8]?, psks: [PreSharedKeyID]) {
        self.joinerSecret = joinerSecret
        self.pathSecret = pathSecret
        self.psks = psks
    }

    public func encode(to writer: inout TLSWriter) {
        writer.writeOpaque(joinerSecret)
        writer.writeOptional(pathSecret.map(OpaqueBytes.init))
        writer.writeVector(psks)
    }

    public init(from reader: inout TLSReader) throws {
        joinerSecret = try reader.readOpaque()
        pathSecret = try reader.readOptional(OpaqueBytes.self)?.bytes
        psks = try reader.readVector(of: PreSharedKeyID.self)
    }
}

/// `EncryptedGroupSecrets` (RFC 9420 §12.4.3.1).
public struct EncryptedGroupSecrets: TLSCodable, Hashable {
    /// KeyPackageRef of the recipient.
    public var newMember: [UInt8]
    /// HPKE-encrypted `GroupSecrets`.
    public var encryptedGroupSecrets: HPKECiphertext

    /// Creates an entry.
    public init(newMember: [UInt8], encryptedGroupSecrets: HPKECiphertext) {
        self.newMember = newMember
        self.encryptedGroupSecrets = encryptedGroupSecrets
    }

    public func encode(to writer: inout TLSWriter) {
        writer.writeOpaque(newMember)
        writer.write(encryptedGroupSecrets)
    }

    public init(from reader: inout TLSReader) throws {
        newMember = try reader.readOpaque()
        encryptedGroupSecrets = try reader.read()
    }
}

/// `Welcome` (RFC 9420 §12.4.3.1).
public struct Welcome: TLSCodable, Hashable {
    /// Cipher suite value.
    public var cipherSuite: UInt16
    /// One entry per new member.
    public var secrets: [EncryptedGroupSecrets]
    /// The GroupInfo, AEAD-encrypted under the welcome key.
    public var encryptedGroupInfo: [UInt8]

    /// Creates a Welcome.
    public init(cipherSuite: UInt16, secrets: [EncryptedGroupSecrets], encryptedGroupInfo: [UInt8]) {
        self.cipherSuite = cipherSuite
        self.secrets = secrets
        self.encryptedGroupInfo = encryptedGroupInfo
    }

    public func encode(to writer: inout TLSWriter) {
        writer.write(cipherSuite)
        writer.writeVector(secrets)
        writer.writeOpaque(encryptedGroupInfo)
    }

    public init(from reader: inout TLSReader) throws {
        cipherSuite = try reader.readUInt16()
        secrets = try reader.readVector(of: EncryptedGroupSecrets.self)
        encryptedGroupInfo = try reader.readOpaque()
    }

    /// Decrypts the GroupSecrets addressed to `keyPackageRef` with the KeyPackage's init key.
    public func decryptGroupSecrets(
        suite: CipherSuite, keyPackageRef: [UInt8], initKey: HPKEPrivateKey
    ) throws -> GroupSecrets {
        guard cipherSuite == suite.id else { throw MLSError.invalid("welcome cipher suite mismatch") }
        guard let entry = secrets.first(where: { $0.newMember == keyPackageRef }) else {
            throw MLSError.invalid("welcome has no secrets for this key package")
        }
        let plaintext = try suite.decryptWithLabel(
            initKey, label: "Welcome", context: encryptedGroupInfo,
            kemOutput: entry.encryptedGroupSecrets.kemOutput, ciphertext: entry.encryptedGroupSecrets.ciphertext)
        return try GroupSecrets(tlsSerialized: plaintext)
    }

    /// Decrypts the GroupInfo with the welcome secret (signature not yet checked).
    public func decryptGroupInfo(suite: CipherSuite, welcomeSecret: [UInt8]) throws -> UnverifiedGroupInfo {
        let (key, nonce) = suite.welcomeKeyAndNonce(welcomeSecret)
        let plaintext = try suite.open(key: key, nonce: nonce, aad: [], ciphertext: encryptedGroupInfo)
        return try UnverifiedGroupInfo(tlsSerialized: plaintext)
    }
}
