import Crypto

/// A Noise `SymmetricState` (Noise Protocol Framework rev 34, §5.2) for SHA256: the
/// chaining key `ck`, the handshake hash `h` and a ``CipherState``.
///
/// `MixKeyAndHash()` and the PSK modes are not implemented (pattern XX does not use them).
package struct SymmetricState: Sendable {
    /// `HASHLEN` of SHA256.
    package static let hashLength = 32

    private var chainingKey: [UInt8]
    /// The handshake hash `h`; after the handshake, a value both sides share (channel
    /// binding).
    package private(set) var handshakeHash: [UInt8]
    private var cipher: CipherState

    /// `InitializeSymmetric(protocol_name)`: `h` is the name zero-padded to `HASHLEN` if it
    /// fits, else `HASH(name)`; `ck = h`; no key.
    ///
    /// - Parameter protocolName: The Noise protocol name, e.g. `Noise_XX_25519_ChaChaPoly_SHA256`.
    package init(protocolName: String) {
        let name = Array(protocolName.utf8)
        if name.count <= Self.hashLength {
            handshakeHash = name + [UInt8](repeating: 0, count: Self.hashLength - name.count)
        } else {
            handshakeHash = Array(SHA256.hash(data: name))
        }
        chainingKey = handshakeHash
        cipher = CipherState(key: nil)
    }

    /// `HasKey()` of the inner cipher.
    package var hasKey: Bool { cipher.hasKey }

    /// `MixKey(input_key_material)`: `ck, temp_k = HKDF(ck, ikm, 2)`; the cipher gets `temp_k`.
    package mutating func mixKey(_ inputKeyMaterial: [UInt8]) {
        let (newChainingKey, key) = Self.hkdf(chainingKey: chainingKey, inputKeyMaterial: inputKeyMaterial)
        chainingKey = newChainingKey
        cipher = CipherState(key: key)
    }

    /// `MixHash(data)`: `h = HASH(h || data)`.
    package mutating func mixHash(_ data: ArraySlice<UInt8>) {
        var hasher = SHA256()
        hasher.update(data: handshakeHash)
        hasher.update(data: data)
        handshakeHash = Array(hasher.finalize())
    }

    /// `EncryptAndHash(plaintext)`: encrypts with `h` as associated data (or passes the
    /// plaintext through when there is no key yet), then mixes the result into `h`.
    ///
    /// - Throws: ``NoiseError/nonceExhausted``.
    package mutating func encryptAndHash(_ plaintext: ArraySlice<UInt8>, into output: inout [UInt8])
        throws(NoiseError)
    {
        let start = output.count
        try cipher.encrypt(ad: handshakeHash, plaintext: plaintext, into: &output)
        mixHash(output[start...])
    }

    /// `DecryptAndHash(ciphertext)`: decrypts with `h` as associated data (or passes the
    /// bytes through when there is no key yet), then mixes the ciphertext into `h`.
    ///
    /// - Throws: ``NoiseError/decryptFailed`` or ``NoiseError/nonceExhausted``.
    package mutating func decryptAndHash(_ ciphertext: ArraySlice<UInt8>) throws(NoiseError) -> [UInt8] {
        var plaintext: [UInt8] = []
        try cipher.decrypt(ad: handshakeHash, ciphertext: ciphertext, into: &plaintext)
        mixHash(ciphertext)
        return plaintext
    }

    /// `Split()`: `temp_k1, temp_k2 = HKDF(ck, zerolen, 2)`.
    ///
    /// - Returns: The cipher for initiator-to-responder messages (`c1`) and the one for
    ///   responder-to-initiator messages (`c2`).
    package func split() -> (initiatorToResponder: CipherState, responderToInitiator: CipherState) {
        let (key1, key2) = Self.hkdf(chainingKey: chainingKey, inputKeyMaterial: [])
        return (CipherState(key: key1), CipherState(key: key2))
    }

    /// `HKDF(chaining_key, input_key_material, 2)` as §4.3 defines it with `HMAC-SHA256`:
    /// `temp_key = HMAC(ck, ikm)`, `output1 = HMAC(temp_key, 0x01)`,
    /// `output2 = HMAC(temp_key, output1 || 0x02)`.
    package static func hkdf(chainingKey: [UInt8], inputKeyMaterial: [UInt8]) -> ([UInt8], [UInt8]) {
        let tempKey = hmac(key: chainingKey, inputKeyMaterial)
        let output1 = hmac(key: tempKey, [0x01])
        let output2 = hmac(key: tempKey, output1 + [0x02])
        return (output1, output2)
    }

    private static func hmac(key: [UInt8], _ data: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: data, using: SymmetricKey(data: key)))
    }
}
