import Crypto
import LibP2PCore

/// A Variance identity: the long-term Ed25519 identity key (its DID is the user's address),
/// the separate libp2p node key, and profile data.
///
/// ## Derivation
/// The identity key is derived from a 24-word BIP39 mnemonic:
/// 1. `seed = BIP39-seed(mnemonic, passphrase: "")` — PBKDF2-HMAC-SHA512, 2048 rounds, 64 bytes.
/// 2. `identitySeed = SLIP-0010-ed25519(seed, m/44'/2237'/0').privateKey` — master key from
///    `HMAC-SHA512(key: "ed25519 seed", seed)`, then three hardened child steps.
/// 3. The identity key is the Ed25519 key (RFC 8032) whose 32-byte seed is `identitySeed`;
///    the DID is its `did:key`.
///
/// The node key is 32 random bytes, never derived from the mnemonic, so recovering from the
/// mnemonic yields the same DID with a new peer ID. The identity key signs which peer IDs
/// the DID is reachable at. See docs/IDENTITY.md.
public struct Identity: Sendable {
    /// The hardened SLIP-0010 path of the identity key, `m/44'/2237'/0'` (indices before hardening).
    public static let derivationPath: [UInt32] = [44, 2237, 0]

    /// The HKDF `info` of ``storageKey``.
    public static let storageKeyInfo = "variance/storage/v1"

    /// The 32-byte Ed25519 private key seed of the identity key.
    public let identitySeed: [UInt8]
    /// The 32-byte Ed25519 private key seed of the libp2p node key (random, not from the mnemonic).
    public let nodeKeySeed: [UInt8]
    /// The chosen username, if any.
    public var username: String?
    /// When the identity was created or recovered on this device, in Unix seconds.
    public let createdAt: Int64

    /// The identity signing key (from ``identitySeed``).
    public let signingKey: Curve25519.Signing.PrivateKey
    /// The libp2p node key (from ``nodeKeySeed``).
    public let nodeKey: Curve25519.Signing.PrivateKey
    /// The identity's `did:key` (`did:key:z6Mk…`), computed once.
    public let did: String
    /// The libp2p peer ID of the node key (`12D3KooW…`), computed once.
    public let peerID: PeerID

    /// An identity from its stored parts.
    ///
    /// - Parameters:
    ///   - identitySeed: 32 bytes; other lengths are a programming error and trap.
    ///   - nodeKeySeed: 32 bytes; other lengths are a programming error and trap.
    ///   - username: The username, if any.
    ///   - createdAt: Unix seconds.
    public init(identitySeed: [UInt8], nodeKeySeed: [UInt8], username: String?, createdAt: Int64) {
        precondition(identitySeed.count == 32 && nodeKeySeed.count == 32, "Ed25519 seeds are 32 bytes")
        self.identitySeed = identitySeed
        self.nodeKeySeed = nodeKeySeed
        self.username = username
        self.createdAt = createdAt
        // Only a wrong length makes these throw, and the lengths were checked above.
        signingKey = try! Curve25519.Signing.PrivateKey(rawRepresentation: identitySeed)
        nodeKey = try! Curve25519.Signing.PrivateKey(rawRepresentation: nodeKeySeed)
        did = DIDKey.did(ed25519PublicKey: Array(signingKey.publicKey.rawRepresentation))
        peerID = PeerID(ed25519PublicKey: Array(nodeKey.publicKey.rawRepresentation))
    }

    /// The raw 32-byte Ed25519 public identity key.
    public var publicKey: [UInt8] {
        Array(signingKey.publicKey.rawRepresentation)
    }

    /// A fingerprint people can compare aloud or side by side: the first 20 bytes of
    /// SHA-256(public identity key) as 10 groups of 4 uppercase hex digits separated by
    /// spaces (GnuPG style), e.g. `3F2A 9C01 … 77E0`.
    public var fingerprint: String {
        Self.fingerprint(ofPublicKey: publicKey)
    }

    /// The key that encrypts database fields: HKDF-SHA256 with ``identitySeed`` as input key
    /// material, an empty salt, info ``storageKeyInfo`` (`variance/storage/v1`), 32 bytes.
    /// It follows the identity key, so a recovered identity can read a restored database.
    public var storageKey: SymmetricKey {
        HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: identitySeed),
            info: Array(Self.storageKeyInfo.utf8),
            outputByteCount: 32)
    }

    /// The ``fingerprint`` format for any Ed25519 public identity key (e.g. a contact's).
    ///
    /// - Parameter publicKey: The raw 32-byte public key.
    /// - Returns: 10 groups of 4 uppercase hex digits.
    public static func fingerprint(ofPublicKey publicKey: [UInt8]) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var text: [UInt8] = []
        for (index, byte) in SHA256.hash(data: publicKey).prefix(20).enumerated() {
            if index > 0 && index % 2 == 0 { text.append(0x20) }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// A new identity with a fresh 24-word mnemonic and a fresh node key.
    ///
    /// - Parameters:
    ///   - username: The username, if any.
    ///   - now: The current time in Unix seconds (becomes ``createdAt``).
    /// - Returns: The identity and its mnemonic; show the words to the user once, never store them.
    public static func create(username: String?, now: Int64) -> (Identity, mnemonic: [String]) {
        let words = Mnemonic.generate(wordCount: 24)
        // Generated words always carry a valid checksum.
        let identity = try! recover(mnemonic: words, username: username, now: now)
        return (identity, mnemonic: words)
    }

    /// The identity of an existing mnemonic (same identity key and DID as when it was
    /// created), with a fresh random node key.
    ///
    /// - Parameters:
    ///   - mnemonic: The words (any valid BIP39 English length; Variance creates 24).
    ///   - username: The username, if any.
    ///   - now: The current time in Unix seconds (becomes ``createdAt``).
    /// - Returns: The identity.
    /// - Throws: ``IdentityError/invalidMnemonic(_:)`` or ``IdentityError/badChecksum``.
    public static func recover(mnemonic: [String], username: String?, now: Int64) throws(IdentityError) -> Identity {
        var entropy = try Mnemonic.entropy(from: mnemonic)
        Sodium.zero(&entropy)
        var seed = Mnemonic.seed(from: mnemonic)
        defer { Sodium.zero(&seed) }
        return Identity(
            identitySeed: identitySeed(fromBIP39Seed: seed),
            nodeKeySeed: Sodium.randomBytes(32),
            username: username,
            createdAt: now)
    }

    /// The identity key seed of a 64-byte BIP39 seed: SLIP-0010 ed25519 at ``derivationPath``.
    ///
    /// - Parameter seed: The BIP39 seed (from the empty BIP39 passphrase).
    /// - Returns: The 32-byte Ed25519 private key seed.
    public static func identitySeed(fromBIP39Seed seed: [UInt8]) -> [UInt8] {
        var key = SLIP10.derive(seed: seed, path: derivationPath)
        Sodium.zero(&key.chainCode)
        return key.privateKey
    }
}
