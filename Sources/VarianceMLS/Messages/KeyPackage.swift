/// A `KeyPackage` as decoded from the wire (RFC 9420 §10), before any check.
///
/// Turn it into a ``KeyPackage`` with ``KeyPackage/init(verifying:suite:now:)``.
public struct UnverifiedKeyPackage: TLSCodable, Hashable {
    /// Protocol version.
    public var version: UInt16
    /// Cipher suite value.
    public var cipherSuite: UInt16
    /// HPKE public key the Welcome is encrypted to.
    public var initKey: [UInt8]
    /// The leaf node the client will occupy.
    public var leafNode: LeafNode
    /// KeyPackage extensions.
    public var extensions: [Extension]
    /// SignWithLabel(., "KeyPackageTBS", KeyPackageTBS).
    public var signature: [UInt8]

    /// Creates a key package value.
    public init(
        version: UInt16 = 1, cipherSuite: UInt16, initKey: [UInt8], leafNode: LeafNode, extensions: [Extension],
        signature: [UInt8]
    ) {
        self.version = version
        self.cipherSuite = cipherSuite
        self.initKey = initKey
        self.leafNode = leafNode
        self.extensions = extensions
        self.signature = signature
    }

    /// The `KeyPackageTBS` bytes.
    public var toBeSigned: [UInt8] {
        var writer = TLSWriter()
        writer.write(version)
        writer.write(cipherSuite)
        writer.writeOpaque(initKey)
        writer.write(leafNode)
        writer.writeVector(extensions)
        return writer.bytes
    }

    /// `KeyPackageRef`: RefHash("MLS 1.0 KeyPackage Reference", KeyPackage).
    public func reference(suite: CipherSuite) -> [UInt8] {
        suite.refHash(label: "MLS 1.0 KeyPackage Reference", value: tlsSerialized)
    }

    public func encode(to writer: inout TLSWriter) {
        writer.writeRaw(toBeSigned)
        writer.writeOpaque(signature)
    }

    public init(from reader: inout TLSReader) throws {
        version = try reader.readUInt16()
        cipherSuite = try reader.readUInt16()
        initKey = try reader.readOpaque()
        leafNode = try reader.read()
        extensions = try reader.readVector(of: Extension.self)
        signature = try reader.readOpaque()
    }
}

/// A KeyPackage whose signatures, lifetime and suite were checked (RFC 9420 §10.1).
public struct KeyPackage: Sendable, Hashable {
    /// The checked wire value.
    public let value: UnverifiedKeyPackage

    /// Verifies `unverified` at Unix time `now` (seconds). With `now` nil the lifetime is not
    /// checked (RFC 9420 §7.3 only recommends it for key packages received inside messages).
    public init(verifying unverified: UnverifiedKeyPackage, suite: CipherSuite, now: UInt64?) throws {
        guard unverified.version == 1 else { throw MLSError.invalid("key package version is not mls10") }
        guard unverified.cipherSuite == suite.id else { throw MLSError.invalid("key package cipher suite mismatch") }
        guard case .keyPackage(let lifetime) = unverified.leafNode.source else {
            throw MLSError.invalid("key package leaf node source is not key_package")
        }
        if let now, !lifetime.contains(now) {
            throw MLSError.invalid("key package lifetime does not cover now")
        }
        guard unverified.initKey != unverified.leafNode.encryptionKey else {
            throw MLSError.invalid("key package init key equals encryption key")
        }
        guard unverified.leafNode.capabilities.cipherSuites.contains(suite.id),
            unverified.leafNode.capabilities.versions.contains(1)
        else { throw MLSError.invalid("key package capabilities omit its own suite or version") }
        try unverified.extensions.checkUniqueTypes()
        try unverified.leafNode.extensions.checkUniqueTypes()
        guard unverified.leafNode.verifySignature(suite: suite, groupID: [], leafIndex: 0) else {
            throw MLSError.authentication("key package leaf node signature")
        }
        guard
            suite.verifyWithLabel(
                publicKey: unverified.leafNode.signatureKey, label: "KeyPackageTBS",
                content: unverified.toBeSigned, signature: unverified.signature)
        else { throw MLSError.authentication("key package signature") }
        value = unverified
    }

    /// Signs a new key package; returns it with no further checks (we made it).
    public static func sign(
        suite: CipherSuite, initKey: [UInt8], leafNode: LeafNode, extensions: [Extension] = [],
        signatureKey: SignaturePrivateKey
    ) throws -> KeyPackage {
        var unverified = UnverifiedKeyPackage(
            cipherSuite: suite.id, initKey: initKey, leafNode: leafNode, extensions: extensions, signature: [])
        unverified.signature = try suite.signWithLabel(
            signatureKey, label: "KeyPackageTBS", content: unverified.toBeSigned)
        return KeyPackage(trusted: unverified)
    }

    init(trusted: UnverifiedKeyPackage) { value = trusted }

    /// The KeyPackageRef.
    public func reference(suite: CipherSuite) -> [UInt8] { value.reference(suite: suite) }
}
