import Crypto

/// A Noise `CipherState` (Noise Protocol Framework rev 34, §5.1) for `ChaChaPoly`: a key `k`
/// (or none) and a 64-bit nonce `n`.
///
/// The ChaChaPoly nonce is 12 bytes: four zero bytes, then `n` as a 64-bit little-endian
/// integer (§12.3). `n = 2^64 - 1` is reserved: once `n` reaches it, every further
/// encryption or decryption throws ``NoiseError/nonceExhausted``. A failed decryption does
/// not advance `n`. `Rekey()` is not implemented (libp2p does not use it).
package struct CipherState: Sendable {
    /// The length of the Poly1305 authentication tag appended to every ciphertext.
    package static let tagLength = 16

    private var key: SymmetricKey?
    /// The nonce `n` of the next encryption or decryption.
    package private(set) var nonce: UInt64

    /// `InitializeKey(k)`: a cipher with `key` (32 bytes) or, if nil, none; `n = 0`.
    ///
    /// - Parameters:
    ///   - key: The 32-byte key, or nil for the empty key.
    ///   - nonce: The starting nonce; 0 except in tests.
    package init(key: [UInt8]?, nonce: UInt64 = 0) {
        precondition(key == nil || key?.count == 32, "a ChaChaPoly key is 32 bytes")
        self.key = key.map { SymmetricKey(data: $0) }
        self.nonce = nonce
    }

    /// `HasKey()`.
    package var hasKey: Bool { key != nil }

    /// `EncryptWithAd(ad, plaintext)`: appends the ciphertext and tag to `output` and
    /// advances `n`; without a key, appends the plaintext unchanged.
    ///
    /// - Throws: ``NoiseError/nonceExhausted``.
    package mutating func encrypt(
        ad: [UInt8], plaintext: ArraySlice<UInt8>, into output: inout [UInt8]
    ) throws(NoiseError) {
        guard let key else {
            output += plaintext
            return
        }
        guard nonce != .max else { throw .nonceExhausted }
        do {
            let box = try ChaChaPoly.seal(plaintext, using: key, nonce: chaChaNonce(), authenticating: ad)
            output += box.ciphertext
            output += box.tag
        } catch {
            throw .internalFailure
        }
        nonce += 1
    }

    /// `EncryptWithAd(ad, plaintext)` returning the ciphertext.
    ///
    /// - Throws: ``NoiseError/nonceExhausted``.
    package mutating func encrypt(ad: [UInt8], plaintext: [UInt8]) throws(NoiseError) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(plaintext.count + Self.tagLength)
        try encrypt(ad: ad, plaintext: plaintext[...], into: &output)
        return output
    }

    /// `DecryptWithAd(ad, ciphertext)`: appends the plaintext to `output` and advances `n`;
    /// without a key, appends the ciphertext unchanged. On failure `n` and `output` are
    /// unchanged.
    ///
    /// - Throws: ``NoiseError/decryptFailed`` or ``NoiseError/nonceExhausted``.
    package mutating func decrypt(
        ad: [UInt8], ciphertext: ArraySlice<UInt8>, into output: inout [UInt8]
    ) throws(NoiseError) {
        guard let key else {
            output += ciphertext
            return
        }
        guard nonce != .max else { throw .nonceExhausted }
        guard ciphertext.count >= Self.tagLength else { throw .decryptFailed }
        let split = ciphertext.endIndex - Self.tagLength
        do {
            let box = try ChaChaPoly.SealedBox(
                nonce: chaChaNonce(), ciphertext: ciphertext[..<split], tag: ciphertext[split...])
            output += try ChaChaPoly.open(box, using: key, authenticating: ad)
        } catch {
            throw .decryptFailed
        }
        nonce += 1
    }

    /// `DecryptWithAd(ad, ciphertext)` returning the plaintext.
    ///
    /// - Throws: ``NoiseError/decryptFailed`` or ``NoiseError/nonceExhausted``.
    package mutating func decrypt(ad: [UInt8], ciphertext: [UInt8]) throws(NoiseError) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(max(0, ciphertext.count - Self.tagLength))
        try decrypt(ad: ad, ciphertext: ciphertext[...], into: &output)
        return output
    }

    /// The 12-byte ChaChaPoly nonce: 4 zero bytes, then `n` little-endian.
    package static func nonceBytes(_ n: UInt64) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 12)
        for index in 0..<8 {
            bytes[4 + index] = UInt8(truncatingIfNeeded: n >> (8 * UInt64(index)))
        }
        return bytes
    }

    private func chaChaNonce() throws -> ChaChaPoly.Nonce {
        try ChaChaPoly.Nonce(data: Self.nonceBytes(nonce))
    }
}
