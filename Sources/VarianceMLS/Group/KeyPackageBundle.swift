/// A KeyPackage together with the private keys its owner keeps (RFC 9420 §10).
public struct KeyPackageBundle: Sendable {
    /// The signed, publishable key package.
    public let keyPackage: KeyPackage
    /// Private half of `init_key` (decrypts the Welcome).
    public let initKey: HPKEPrivateKey
    /// Private half of the leaf's `encryption_key`.
    public let encryptionKey: HPKEPrivateKey
    /// The owner's signature key.
    public let signatureKey: SignaturePrivateKey

    /// Pairs an existing key package with its private keys; throws if any key does not match.
    public init(
        keyPackage: KeyPackage, initKey: HPKEPrivateKey, encryptionKey: HPKEPrivateKey,
        signatureKey: SignaturePrivateKey
    ) throws {
        guard initKey.publicKey == keyPackage.value.initKey,
            encryptionKey.publicKey == keyPackage.value.leafNode.encryptionKey,
            signatureKey.publicKey == keyPackage.value.leafNode.signatureKey
        else { throw MLSError.invalid("private keys do not match the key package") }
        self.keyPackage = keyPackage
        self.initKey = initKey
        self.encryptionKey = encryptionKey
        self.signatureKey = signatureKey
    }

    /// Creates a key package valid during `lifetime` (Unix seconds), with optional leaf-node
    /// and key-package extensions (leaf extension types beyond the defaults must be listed in
    /// `capabilities`).
    public static func generate(
        suite: CipherSuite, credential: Credential, signatureKey: SignaturePrivateKey, lifetime: Lifetime,
        capabilities: Capabilities = Capabilities(), leafExtensions: [Extension] = [],
        keyPackageExtensions: [Extension] = [], using rng: inout some RandomNumberGenerator
    ) throws -> KeyPackageBundle {
        guard lifetime.notBefore <= lifetime.notAfter else { throw MLSError.invalid("empty key package lifetime") }
        let initKey = HPKEPrivateKey.generate(using: &rng)
        let encryptionKey = HPKEPrivateKey.generate(using: &rng)
        var leaf = LeafNode(
            encryptionKey: encryptionKey.publicKey, signatureKey: signatureKey.publicKey, credential: credential,
            capabilities: capabilities, source: .keyPackage(lifetime), extensions: leafExtensions)
        try leaf.sign(suite: suite, key: signatureKey, groupID: [], leafIndex: 0)
        let keyPackage = try KeyPackage.sign(
            suite: suite, initKey: initKey.publicKey, leafNode: leaf, extensions: keyPackageExtensions,
            signatureKey: signatureKey)
        return try KeyPackageBundle(
            keyPackage: keyPackage, initKey: initKey, encryptionKey: encryptionKey, signatureKey: signatureKey)
    }
}

extension KeyPackageBundle {
    /// A versioned serialization (`uint8 version = 1`, key package, init key, encryption
    /// key, signature seed). It holds private keys: store it encrypted at rest.
    public func serialized() -> [UInt8] {
        var writer = TLSWriter()
        writer.write(UInt8(1))
        writer.write(keyPackage.value)
        writer.writeOpaque(initKey.rawRepresentation)
        writer.writeOpaque(encryptionKey.rawRepresentation)
        writer.writeOpaque(signatureKey.seed)
        return writer.bytes
    }

    /// Restores a bundle written by ``serialized()``. The key package is trusted as our own,
    /// so an expired lifetime does not stop the restore; the keys must still match it.
    public init(serialized bytes: [UInt8]) throws {
        var reader = TLSReader(bytes)
        guard try reader.readUInt8() == 1 else { throw MLSError.malformed("unknown key package bundle version") }
        let keyPackage = KeyPackage(trusted: try reader.read(UnverifiedKeyPackage.self))
        let initKey = try HPKEPrivateKey(rawRepresentation: try reader.readOpaque())
        let encryptionKey = try HPKEPrivateKey(rawRepresentation: try reader.readOpaque())
        let signatureKey = try SignaturePrivateKey(seed: try reader.readOpaque())
        try reader.finish()
        try self.init(
            keyPackage: keyPackage, initKey: initKey, encryptionKey: encryptionKey, signatureKey: signatureKey)
    }
}
