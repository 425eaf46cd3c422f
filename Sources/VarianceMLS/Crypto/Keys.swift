import Crypto

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// An Ed25519 signature private key (the 32-byte seed).
public struct SignaturePrivateKey: Sendable {
    let key: Curve25519.Signing.PrivateKey

    /// Restores a key from its 32-byte seed.
    public init(seed: [UInt8]) throws {
        do {
            key = try Curve25519.Signing.PrivateKey(rawRepresentation: seed)
        } catch {
            throw MLSError.invalid("Ed25519 seed must be 32 bytes")
        }
    }

    /// A fresh key from `rng`.
    public static func generate(using rng: inout some RandomNumberGenerator) -> SignaturePrivateKey {
        // A 32-byte seed is always accepted.
        try! SignaturePrivateKey(seed: randomBytes(32, using: &rng))
    }

    /// The 32-byte seed.
    public var seed: [UInt8] { Array(key.rawRepresentation) }

    /// The raw 32-byte public key.
    public var publicKey: [UInt8] { Array(key.publicKey.rawRepresentation) }

    func sign(_ message: [UInt8]) throws -> [UInt8] {
        do {
            return Array(try key.signature(for: message))
        } catch {
            throw MLSError.invalid("Ed25519 signing failed")
        }
    }
}

/// An X25519 HPKE private key (the `SerializePrivateKey` form: 32 raw bytes).
public struct HPKEPrivateKey: Sendable {
    let key: Curve25519.KeyAgreement.PrivateKey

    /// Restores a key from its 32 raw bytes.
    public init(rawRepresentation: [UInt8]) throws {
        do {
            key = try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: rawRepresentation)
        } catch {
            throw MLSError.invalid("X25519 private key must be 32 bytes")
        }
    }

    /// A fresh key from `rng`.
    public static func generate(using rng: inout some RandomNumberGenerator) -> HPKEPrivateKey {
        try! HPKEPrivateKey(rawRepresentation: randomBytes(32, using: &rng))
    }

    /// The 32 raw bytes.
    public var rawRepresentation: [UInt8] { Array(key.rawRepresentation) }

    /// The raw 32-byte public key.
    public var publicKey: [UInt8] { Array(key.publicKey.rawRepresentation) }
}

/// `count` bytes from `rng`.
func randomBytes(_ count: Int, using rng: inout some RandomNumberGenerator) -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(count + 8)
    while bytes.count < count {
        var word = rng.next()
        withUnsafeBytes(of: &word) { bytes.append(contentsOf: $0) }
    }
    return Array(bytes.prefix(count))
}
