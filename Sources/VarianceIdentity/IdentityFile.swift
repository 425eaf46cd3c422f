import CSodium

/// The identity file `<dataDir>/identity.key`: the identity key seed, node key seed,
/// username and creation time, optionally encrypted with a passphrase. The mnemonic is never
/// stored. The byte layout is described in docs/IDENTITY.md.
///
/// With a passphrase the file is encrypted with XChaCha20-Poly1305 (IETF) under a key from
/// Argon2id v1.3 (libsodium `crypto_pwhash`, OPSLIMIT_INTERACTIVE / MEMLIMIT_INTERACTIVE,
/// 16-byte random salt, parameters in the header); the header is the associated data.
/// Without one, the payload is stored in clear with a SHA-256 checksum.
///
/// Writes are atomic: a temporary file is created with mode 0600 (`O_CREAT|O_EXCL`),
/// written, fsynced and renamed over `identity.key`, and the directory is fsynced.
public struct IdentityFile: Sendable {
    /// The file name inside the data directory.
    public static let fileName = "identity.key"

    /// The data directory.
    public let directory: String

    /// The full path of the identity file.
    public var path: String { directory + "/" + Self.fileName }

    /// An identity file in `directory` (which need not exist yet).
    ///
    /// - Parameter directory: The data directory.
    public init(directory: String) {
        self.directory = directory
    }

    /// Whether the identity file exists.
    public var exists: Bool {
        POSIXFile.exists(path)
    }

    /// Whether the existing file is encrypted (reads only the header).
    ///
    /// - Returns: true if a passphrase is needed to load it.
    /// - Throws: ``IdentityError/io(_:)`` if it cannot be read, ``IdentityError/corrupt(_:)``
    ///   if it is not an identity file.
    public func isEncrypted() throws(IdentityError) -> Bool {
        try IdentityFileFormat.parseCommonHeader(readFile())
    }

    /// Writes `identity`, replacing any existing file atomically.
    ///
    /// - Parameters:
    ///   - identity: The identity to store.
    ///   - passphrase: Encrypts the file when non-nil and non-empty (ASCII or NFKD text;
    ///     see ``Mnemonic``); nil or "" stores it unencrypted.
    /// - Throws: ``IdentityError/io(_:)``.
    public func save(_ identity: Identity, passphrase: String?) throws(IdentityError) {
        var payload = try IdentityFileFormat.encodePayload(identity)
        defer { Sodium.zero(&payload) }
        var contents: [UInt8]
        if let passphrase, !passphrase.isEmpty {
            let header = IdentityFileFormat.EncryptionHeader(
                opsLimit: UInt64(crypto_pwhash_opslimit_interactive()),
                memLimit: UInt64(crypto_pwhash_memlimit_interactive()),
                salt: Sodium.randomBytes(Int(crypto_pwhash_saltbytes())),
                nonce: Sodium.randomBytes(Int(crypto_aead_xchacha20poly1305_ietf_npubbytes())))
            var key = try deriveKey(passphrase: passphrase, header: header)
            defer { Sodium.zero(&key) }
            let headerBytes = IdentityFileFormat.encryptedHeader(header)
            contents = headerBytes
                + Sodium.seal(payload, key: key, nonce: header.nonce, associatedData: headerBytes)
        } else {
            contents = IdentityFileFormat.commonHeader(encrypted: false) + payload
            contents += IdentityFileFormat.checksum(contents)
        }
        defer { Sodium.zero(&contents) }
        try POSIXFile.writeAtomically(contents, directory: directory, fileName: Self.fileName)
    }

    /// Reads the identity.
    ///
    /// - Parameter passphrase: Needed if the file is encrypted; ignored if it is not.
    /// - Returns: The stored identity.
    /// - Throws: ``IdentityError/locked`` (encrypted, no passphrase),
    ///   ``IdentityError/wrongPassphrase`` (decryption failed: wrong passphrase, or the
    ///   encrypted part was altered), ``IdentityError/corrupt(_:)``, ``IdentityError/io(_:)``.
    public func load(passphrase: String?) throws(IdentityError) -> Identity {
        var bytes = try readFile()
        defer { Sodium.zero(&bytes) }
        let encrypted = try IdentityFileFormat.parseCommonHeader(bytes)
        if encrypted {
            let header = try IdentityFileFormat.parseEncryptedHeader(bytes)
            guard let passphrase, !passphrase.isEmpty else { throw .locked }
            var key = try deriveKey(passphrase: passphrase, header: header)
            defer { Sodium.zero(&key) }
            let headerLength = IdentityFileFormat.encryptedHeaderLength
            guard var payload = Sodium.open(
                Array(bytes[headerLength...]), key: key, nonce: header.nonce,
                associatedData: Array(bytes[..<headerLength]))
            else { throw .wrongPassphrase }
            defer { Sodium.zero(&payload) }
            return try IdentityFileFormat.decodePayload(payload)
        } else {
            let minimum = IdentityFileFormat.commonHeaderLength + IdentityFileFormat.minimumPayloadLength
                + IdentityFileFormat.checksumLength
            guard bytes.count >= minimum else { throw .corrupt("the file is truncated") }
            let bodyEnd = bytes.count - IdentityFileFormat.checksumLength
            guard IdentityFileFormat.checksum(bytes[..<bodyEnd]) == Array(bytes[bodyEnd...]) else {
                throw .corrupt("the checksum does not match")
            }
            var payload = Array(bytes[IdentityFileFormat.commonHeaderLength..<bodyEnd])
            defer { Sodium.zero(&payload) }
            return try IdentityFileFormat.decodePayload(payload)
        }
    }

    private func readFile() throws(IdentityError) -> [UInt8] {
        try POSIXFile.readAll(path, maxLength: IdentityFileFormat.maxFileLength)
    }

    private func deriveKey(passphrase: String, header: IdentityFileFormat.EncryptionHeader) throws(IdentityError) -> [UInt8] {
        var password = Array(passphrase.utf8)
        defer { Sodium.zero(&password) }
        guard let key = Sodium.argon2id(
            password: password, salt: header.salt,
            opsLimit: header.opsLimit, memLimit: header.memLimit,
            keyLength: Int(crypto_aead_xchacha20poly1305_ietf_keybytes()))
        else { throw .io("not enough memory to derive the file key") }
        return key
    }
}
