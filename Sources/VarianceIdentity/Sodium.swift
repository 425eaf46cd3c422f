import CSodium

/// Thin wrappers over the libsodium calls this module uses. `sodium_init()` runs once,
/// before the first call of any of them.
enum Sodium {
    /// Runs `sodium_init()` exactly once (Swift initialises static lets lazily and atomically).
    private static let initialized: Bool = sodium_init() >= 0

    /// Makes sure libsodium is initialised; a failure means the process cannot do crypto.
    static func ensureInitialized() {
        precondition(initialized, "sodium_init() failed")
    }

    /// `count` bytes from the operating system's CSPRNG.
    static func randomBytes(_ count: Int) -> [UInt8] {
        ensureInitialized()
        var bytes = [UInt8](repeating: 0, count: count)
        bytes.withUnsafeMutableBytes { randombytes_buf($0.baseAddress!, $0.count) }
        return bytes
    }

    /// Overwrites the array's storage with zeros (`sodium_memzero`, which the compiler cannot
    /// elide). Copies made earlier by copy-on-write are not reached.
    static func zero<Element>(_ array: inout [Element]) {
        array.withUnsafeMutableBytes { buffer in
            if let base = buffer.baseAddress { sodium_memzero(base, buffer.count) }
        }
    }

    /// Argon2id v1.3 (`crypto_pwhash`, `crypto_pwhash_ALG_ARGON2ID13`).
    ///
    /// - Returns: A key of `keyLength` bytes, or nil when libsodium refuses (out of memory
    ///   or parameters out of range).
    static func argon2id(password: [UInt8], salt: [UInt8], opsLimit: UInt64, memLimit: UInt64, keyLength: Int) -> [UInt8]? {
        ensureInitialized()
        precondition(salt.count == Int(crypto_pwhash_saltbytes()))
        guard let memLimit = Int(exactly: memLimit) else { return nil }
        var chars = password.map { CChar(bitPattern: $0) }
        defer { zero(&chars) }
        var key = [UInt8](repeating: 0, count: keyLength)
        let result = crypto_pwhash(
            &key, UInt64(keyLength), chars, UInt64(chars.count), salt,
            opsLimit, memLimit, crypto_pwhash_alg_argon2id13())
        guard result == 0 else {
            zero(&key)
            return nil
        }
        return key
    }

    /// XChaCha20-Poly1305 IETF encryption; returns ciphertext followed by the 16-byte tag.
    static func seal(_ plaintext: [UInt8], key: [UInt8], nonce: [UInt8], associatedData: [UInt8]) -> [UInt8] {
        ensureInitialized()
        precondition(key.count == Int(crypto_aead_xchacha20poly1305_ietf_keybytes()))
        precondition(nonce.count == Int(crypto_aead_xchacha20poly1305_ietf_npubbytes()))
        let tagLength = Int(crypto_aead_xchacha20poly1305_ietf_abytes())
        var ciphertext = [UInt8](repeating: 0, count: plaintext.count + tagLength)
        var ciphertextLength: UInt64 = 0
        crypto_aead_xchacha20poly1305_ietf_encrypt(
            &ciphertext, &ciphertextLength,
            plaintext, UInt64(plaintext.count),
            associatedData, UInt64(associatedData.count),
            nil, nonce, key)
        return ciphertext
    }

    /// XChaCha20-Poly1305 IETF decryption; nil if the tag does not verify.
    static func open(_ ciphertext: [UInt8], key: [UInt8], nonce: [UInt8], associatedData: [UInt8]) -> [UInt8]? {
        ensureInitialized()
        precondition(key.count == Int(crypto_aead_xchacha20poly1305_ietf_keybytes()))
        precondition(nonce.count == Int(crypto_aead_xchacha20poly1305_ietf_npubbytes()))
        let tagLength = Int(crypto_aead_xchacha20poly1305_ietf_abytes())
        guard ciphertext.count >= tagLength else { return nil }
        var plaintext = [UInt8](repeating: 0, count: ciphertext.count - tagLength)
        var plaintextLength: UInt64 = 0
        let result = crypto_aead_xchacha20poly1305_ietf_decrypt(
            &plaintext, &plaintextLength,
            nil,
            ciphertext, UInt64(ciphertext.count),
            associatedData, UInt64(associatedData.count),
            nonce, key)
        return result == 0 ? plaintext : nil
    }
}
