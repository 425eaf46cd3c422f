import Crypto

/// A libp2p peer ID: the multihash of a node's ``LibP2PPublicKey`` protobuf.
///
/// Following the libp2p peer-ids specification, a key whose protobuf encoding is at most
/// 42 bytes (Ed25519, secp256k1) is embedded with the identity multihash
/// (`00 <len> <protobuf>`); longer keys (RSA, ECDSA) are hashed with sha2-256
/// (`12 20 <sha256>`). The text form is the legacy base58btc encoding of the multihash,
/// `12D3KooW…` for Ed25519 keys and `Qm…` for hashed keys. The CIDv1 text form
/// (`bafz…`) is not parsed yet.
public struct PeerID: Sendable, Hashable, CustomStringConvertible {
    /// Why bytes or text are not a peer ID.
    public enum ParseError: Error, Sendable, Equatable {
        /// The text is not base58btc.
        case invalidBase58
        /// The multihash is neither identity (0x00) nor sha2-256 (0x12), or its length is wrong.
        case unsupportedMultihash
        /// An identity multihash whose content is not a valid `PublicKey` message.
        case invalidPublicKey
    }

    /// The longest `PublicKey` protobuf that is inlined with the identity multihash.
    public static let maxInlineKeyLength = 42

    /// The multihash bytes (the binary peer ID used on the wire and in multiaddrs).
    public let bytes: [UInt8]

    /// The peer ID of an Ed25519 public key.
    ///
    /// - Parameter ed25519PublicKey: The raw 32-byte Ed25519 public key; other lengths are a
    ///   programming error and trap.
    public init(ed25519PublicKey: [UInt8]) {
        self.init(publicKey: LibP2PPublicKey(ed25519: ed25519PublicKey))
    }

    /// The peer ID of any libp2p public key (identity multihash if its protobuf is at most
    /// 42 bytes, sha2-256 otherwise).
    ///
    /// - Parameter publicKey: The key.
    public init(publicKey: LibP2PPublicKey) {
        let encoded = publicKey.protobuf
        if encoded.count <= Self.maxInlineKeyLength {
            bytes = [0x00, UInt8(encoded.count)] + encoded
        } else {
            bytes = [0x12, 0x20] + Array(SHA256.hash(data: encoded))
        }
    }

    /// A peer ID from its binary multihash form.
    ///
    /// - Parameter bytes: An identity multihash of a valid `PublicKey` (at most 42 bytes)
    ///   or a sha2-256 multihash.
    /// - Throws: ``ParseError/unsupportedMultihash`` or ``ParseError/invalidPublicKey``.
    public init(bytes: [UInt8]) throws(ParseError) {
        guard bytes.count >= 2 else { throw .unsupportedMultihash }
        switch (bytes[0], Int(bytes[1])) {
        case (0x00, let length) where length <= Self.maxInlineKeyLength && bytes.count == 2 + length:
            do {
                let key = try LibP2PPublicKey(protobuf: bytes[2...])
                // Only the canonical encoding names a key; anything else would give one
                // key two peer IDs.
                guard key.protobuf == Array(bytes[2...]) else { throw ParseError.invalidPublicKey }
            } catch {
                throw .invalidPublicKey
            }
        case (0x12, 32) where bytes.count == 34:
            break
        default:
            throw .unsupportedMultihash
        }
        self.bytes = bytes
    }

    /// A peer ID from its base58btc text form (`12D3KooW…` or `Qm…`).
    ///
    /// - Parameter string: The text.
    /// - Throws: ``ParseError``.
    public init(string: String) throws(ParseError) {
        let decoded: [UInt8]
        do {
            decoded = try Base58.decode(string)
        } catch {
            throw .invalidBase58
        }
        try self.init(bytes: decoded)
    }

    /// The public key inlined in an identity-multihash peer ID, or nil for a hashed one.
    public var publicKey: LibP2PPublicKey? {
        guard bytes.first == 0x00 else { return nil }
        return try? LibP2PPublicKey(protobuf: bytes[2...])
    }

    /// The raw Ed25519 public key, if this peer ID inlines one.
    public var ed25519PublicKey: [UInt8]? {
        guard let key = publicKey, key.type == .ed25519 else { return nil }
        return key.data
    }

    /// The base58btc text form, e.g. `12D3KooW…`.
    public var description: String {
        Base58.encode(bytes)
    }
}
