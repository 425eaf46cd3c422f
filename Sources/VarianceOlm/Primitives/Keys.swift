import Crypto

/// A Curve25519 public key (32 bytes); printed as unpadded base64.
public struct Curve25519PublicKey: Hashable, Sendable, CustomStringConvertible {
    /// The raw 32 bytes.
    public let bytes: [UInt8]

    /// Wraps 32 raw bytes.
    public init(bytes: [UInt8]) throws(OlmError) {
        guard bytes.count == 32 else { throw .malformed("curve25519 key length") }
        self.bytes = bytes
    }

    /// Parses unpadded (or padded) base64.
    public init(base64: String) throws(OlmError) {
        guard let b = UnpaddedBase64.decode(base64) else { throw .malformed("base64") }
        try self.init(bytes: b)
    }

    /// Unpadded base64, as vodozemac prints it.
    public var base64: String { UnpaddedBase64.encode(bytes) }
    public var description: String { base64 }
}

/// An Ed25519 public key (32 bytes); printed as unpadded base64.
public struct Ed25519PublicKey: Hashable, Sendable, CustomStringConvertible {
    /// The raw 32 bytes.
    public let bytes: [UInt8]
    package init(unchecked bytes: [UInt8]) { self.bytes = bytes }
    /// Unpadded base64.
    public var base64: String { UnpaddedBase64.encode(bytes) }
    public var description: String { base64 }

    /// Verifies an Ed25519 signature made by this key.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: bytes) else { return false }
        return key.isValidSignature(signature, for: message)
    }
}

/// A Curve25519 key pair: the secret is 32 raw bytes.
package struct Curve25519KeyPair: Sendable {
    package let secret: [UInt8]
    package let publicKey: Curve25519PublicKey
    /// The secret as swift-crypto's key, made once: making it computes the public key (a
    /// scalar multiplication), which every agreement would otherwise repeat.
    private let privateKey: Curve25519.KeyAgreement.PrivateKey

    package init(secret: [UInt8]) throws(OlmError) {
        guard let key = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: secret) else {
            throw .malformed("curve25519 secret")
        }
        self.secret = secret
        self.privateKey = key
        self.publicKey = try Curve25519PublicKey(bytes: [UInt8](key.publicKey.rawRepresentation))
    }

    package init(using rng: inout some RandomNumberGenerator) {
        // 32 random bytes are always a valid X25519 scalar (clamped when used).
        try! self.init(secret: rng.bytes(32))
    }

    /// X25519 with `other`; refuses an all-zero result.
    package func diffieHellman(_ other: Curve25519PublicKey) throws(OlmError) -> [UInt8] {
        guard let pub = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: other.bytes),
            let shared = try? privateKey.sharedSecretFromKeyAgreement(with: pub)
        else { throw .nonContributoryKey }
        let out = shared.withUnsafeBytes { [UInt8]($0) }
        if out.allSatisfy({ $0 == 0 }) { throw .nonContributoryKey }
        return out
    }
}
