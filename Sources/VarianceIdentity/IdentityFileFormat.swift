import Crypto

/// The binary layout of `identity.key`, version 1. All integers are big-endian.
///
/// ```
/// offset size  field
///      0    8  magic "VARIDKEY"
///      8    1  version = 1
///      9    1  flags: bit 0 = encrypted; other bits must be 0
/// plaintext file (flags = 0):
///     10    n  payload
///   10+n   32  SHA-256(bytes 0 ..< 10+n)   (detects damage; not authentication)
/// encrypted file (flags = 1):
///     10    1  KDF id: 1 = Argon2id v1.3 (libsodium crypto_pwhash, ALG_ARGON2ID13)
///     11    8  opslimit
///     19    8  memlimit (bytes)
///     27   16  salt
///     43   24  nonce (XChaCha20-Poly1305 IETF)
///     67  n+16 ciphertext of payload ‖ Poly1305 tag, associated data = bytes 0 ..< 67
/// payload:
///      0   32  identity key seed
///     32   32  node key seed
///     64    8  createdAt (Int64, Unix seconds)
///     72    1  username present (0 or 1)
///     73    2  username length in bytes (0 if absent)
///     75    m  username, UTF-8
/// ```
/// The encryption key is Argon2id(passphrase UTF-8, salt, opslimit, memlimit) → 32 bytes.
/// The mnemonic is never stored.
enum IdentityFileFormat {
    static let magic: [UInt8] = Array("VARIDKEY".utf8)
    static let version: UInt8 = 1
    static let encryptedFlag: UInt8 = 0x01
    static let argon2idKDF: UInt8 = 1
    static let commonHeaderLength = 10
    static let encryptedHeaderLength = 67
    static let checksumLength = 32
    static let tagLength = 16
    static let minimumPayloadLength = 75
    static let maxUsernameLength = 1024
    /// Files larger than this are not read (a valid file is well under 2 KiB).
    static let maxFileLength = 64 * 1024
    /// Bounds on stored Argon2id parameters, so a damaged or hostile file cannot make the
    /// loader allocate without limit (libsodium's MIN … SENSITIVE range).
    static let opsLimitRange: ClosedRange<UInt64> = 1...16
    static let memLimitRange: ClosedRange<UInt64> = 8192...(1 << 30)

    /// Argon2id parameters and salt/nonce of an encrypted file.
    struct EncryptionHeader: Equatable {
        var opsLimit: UInt64
        var memLimit: UInt64
        var salt: [UInt8]
        var nonce: [UInt8]
    }

    // MARK: Payload

    static func encodePayload(_ identity: Identity) throws(IdentityError) -> [UInt8] {
        let username = identity.username.map { Array($0.utf8) } ?? []
        guard username.count <= maxUsernameLength else {
            throw .io("username is longer than \(maxUsernameLength) bytes and cannot be stored")
        }
        var payload = identity.identitySeed + identity.nodeKeySeed
        append(UInt64(bitPattern: identity.createdAt), to: &payload)
        payload.append(identity.username == nil ? 0 : 1)
        payload.append(UInt8(username.count >> 8))
        payload.append(UInt8(username.count & 0xFF))
        payload += username
        return payload
    }

    static func decodePayload(_ payload: [UInt8]) throws(IdentityError) -> Identity {
        guard payload.count >= minimumPayloadLength else { throw .corrupt("the key data is truncated") }
        let createdAt = Int64(bitPattern: readUInt64(payload, at: 64))
        let present = payload[72]
        let length = Int(payload[73]) << 8 | Int(payload[74])
        guard present <= 1, present == 1 || length == 0 else { throw .corrupt("the username field is invalid") }
        guard payload.count == minimumPayloadLength + length else {
            throw .corrupt("the key data has the wrong length")
        }
        var username: String?
        if present == 1 {
            guard let text = String(validating: payload[75...], as: UTF8.self) else {
                throw .corrupt("the username is not valid UTF-8")
            }
            username = text
        }
        return Identity(
            identitySeed: Array(payload[0..<32]),
            nodeKeySeed: Array(payload[32..<64]),
            username: username,
            createdAt: createdAt)
    }

    // MARK: Header

    static func commonHeader(encrypted: Bool) -> [UInt8] {
        magic + [version, encrypted ? encryptedFlag : 0]
    }

    /// Checks magic, version and flags; returns whether the file is encrypted.
    static func parseCommonHeader(_ bytes: [UInt8]) throws(IdentityError) -> Bool {
        guard bytes.count >= commonHeaderLength else {
            throw bytes.starts(with: magic.prefix(bytes.count)) && !bytes.isEmpty
                ? .corrupt("the file is truncated") : .corrupt("not a Variance identity file")
        }
        guard bytes.starts(with: magic) else { throw .corrupt("not a Variance identity file") }
        guard bytes[8] == version else { throw .corrupt("unsupported identity file version \(bytes[8])") }
        guard bytes[9] & ~encryptedFlag == 0 else { throw .corrupt("unknown flags in the file header") }
        return bytes[9] & encryptedFlag != 0
    }

    static func encryptedHeader(_ header: EncryptionHeader) -> [UInt8] {
        var bytes = commonHeader(encrypted: true)
        bytes.append(argon2idKDF)
        append(header.opsLimit, to: &bytes)
        append(header.memLimit, to: &bytes)
        bytes += header.salt
        bytes += header.nonce
        return bytes
    }

    static func parseEncryptedHeader(_ bytes: [UInt8]) throws(IdentityError) -> EncryptionHeader {
        guard bytes.count >= encryptedHeaderLength + tagLength + minimumPayloadLength else {
            throw .corrupt("the file is truncated")
        }
        guard bytes[10] == argon2idKDF else { throw .corrupt("unsupported key derivation function \(bytes[10])") }
        let header = EncryptionHeader(
            opsLimit: readUInt64(bytes, at: 11),
            memLimit: readUInt64(bytes, at: 19),
            salt: Array(bytes[27..<43]),
            nonce: Array(bytes[43..<67]))
        guard opsLimitRange.contains(header.opsLimit), memLimitRange.contains(header.memLimit) else {
            throw .corrupt("key derivation parameters are out of range")
        }
        return header
    }

    // MARK: Plaintext checksum

    static func checksum(_ bytes: some Collection<UInt8>) -> [UInt8] {
        Array(SHA256.hash(data: Array(bytes)))
    }

    // MARK: Integers

    static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        for shift in stride(from: 56, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }

    static func readUInt64(_ bytes: [UInt8], at offset: Int) -> UInt64 {
        bytes[offset..<offset + 8].reduce(0) { $0 << 8 | UInt64($1) }
    }
}
