import LibP2PCore

/// `did:key` identifiers for Ed25519 keys (https://w3c-ccg.github.io/did-key-spec/).
///
/// `did:key:z` + base58btc(multicodec `ed25519-pub` varint `0xed 0x01` ‖ 32-byte public
/// key). Ed25519 DIDs therefore start with `did:key:z6Mk`.
public enum DIDKey {
    /// Why a string is not an Ed25519 `did:key`.
    public enum ParseError: Error, Sendable, Equatable {
        /// The string does not start with `did:key:z` (only the base58btc multibase is defined).
        case notDIDKey
        /// The method-specific identifier is not base58btc or its multicodec varint is broken.
        case invalidEncoding
        /// The multicodec is not `ed25519-pub` (0xed); e.g. `x25519-pub` is 0xec.
        case unsupportedKeyType(UInt64)
        /// The key is not 32 bytes.
        case invalidKeyLength
    }

    /// The DID scheme and method prefix.
    public static let prefix = "did:key:"

    /// The multicodec code of `ed25519-pub`.
    public static let ed25519Multicodec: UInt64 = 0xed

    /// The `did:key` of an Ed25519 public key.
    ///
    /// - Parameter ed25519PublicKey: The raw 32-byte public key; other lengths are a
    ///   programming error and trap.
    /// - Returns: `did:key:z6Mk…`.
    public static func did(ed25519PublicKey: [UInt8]) -> String {
        precondition(ed25519PublicKey.count == 32, "an Ed25519 public key is 32 bytes")
        return prefix + "z" + Base58.encode(Varint.encode(ed25519Multicodec) + ed25519PublicKey)
    }

    /// The Ed25519 public key named by a `did:key`.
    ///
    /// - Parameter did: The DID, without a fragment or path.
    /// - Returns: The raw 32-byte public key.
    /// - Throws: ``ParseError``.
    public static func publicKey(fromDID did: String) throws(ParseError) -> [UInt8] {
        guard did.hasPrefix(prefix + "z") else { throw .notDIDKey }
        let bytes: [UInt8]
        let codec: (value: UInt64, length: Int)
        do {
            bytes = try Base58.decode(String(did.dropFirst(prefix.count + 1)))
            codec = try Varint.decode(bytes)
        } catch {
            throw .invalidEncoding
        }
        guard codec.value == ed25519Multicodec else { throw .unsupportedKeyType(codec.value) }
        guard bytes.count - codec.length == 32 else { throw .invalidKeyLength }
        return Array(bytes[codec.length...])
    }
}
