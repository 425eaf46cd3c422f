import CSodium

/// A Noise `CipherState` (Noise Protocol Framework rev 34, §5.1) for `ChaChaPoly`: a key `k`
/// (or none) and a 64-bit nonce `n`.
///
/// The AEAD is libsodium's ChaCha20-Poly1305 (IETF, RFC 8439), called on the caller's buffers:
/// no box, nonce or key object per frame (swift-crypto's `ChaChaPoly` made about four fifths
/// of the cost of encrypting a small frame; docs/PERFORMANCE.md). Decryption checks the tag,
/// in constant time, before it writes any plaintext.
///
/// The ChaChaPoly nonce is 12 bytes: four zero bytes, then `n` as a 64-bit little-endian
/// integer (§12.3). `n = 2^64 - 1` is reserved: once `n` reaches it, every further
/// encryption or decryption throws ``NoiseError/nonceExhausted``. A failed decryption does
/// not advance `n`. `Rekey()` is not implemented (libp2p does not use it).
package struct CipherState: Sendable {
    /// The length of the Poly1305 authentication tag appended to every ciphertext.
    package static let tagLength = 16

    private var key: NoiseKey?
    /// The nonce `n` of the next encryption or decryption.
    package private(set) var nonce: UInt64

    /// `InitializeKey(k)`: a cipher with `key` (32 bytes) or, if nil, none; `n = 0`.
    ///
    /// - Parameters:
    ///   - key: The 32-byte key, or nil for the empty key.
    ///   - nonce: The starting nonce; 0 except in tests.
    package init(key: [UInt8]?, nonce: UInt64 = 0) {
        precondition(key == nil || key?.count == 32, "a ChaChaPoly key is 32 bytes")
        self.key = key.map(NoiseKey.init)
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
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: plaintext.count + Self.tagLength))
        let status = withNonce { nonce in
            ad.withUnsafeBufferPointer { ad in
                plaintext.withUnsafeBufferPointer { plaintext in
                    output.withUnsafeMutableBufferPointer { output in
                        crypto_aead_chacha20poly1305_ietf_encrypt_detached(
                            output.baseAddress! + start, output.baseAddress! + start + plaintext.count, nil,
                            plaintext.baseAddress, UInt64(plaintext.count), ad.baseAddress, UInt64(ad.count), nil,
                            nonce, key.bytes)
                    }
                }
            }
        }
        guard status == 0 else {
            output.removeSubrange(start...)
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
        let count = ciphertext.count - Self.tagLength
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: count))
        let status = withNonce { nonce in
            ad.withUnsafeBufferPointer { ad in
                ciphertext.withUnsafeBufferPointer { ciphertext in
                    output.withUnsafeMutableBufferPointer { output in
                        crypto_aead_chacha20poly1305_ietf_decrypt_detached(
                            output.baseAddress.map { $0 + start }, nil, ciphertext.baseAddress!, UInt64(count),
                            ciphertext.baseAddress! + count, ad.baseAddress, UInt64(ad.count), nonce, key.bytes)
                    }
                }
            }
        }
        guard status == 0 else {
            output.removeSubrange(start...)
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

    /// Calls `body` with the 12-byte nonce of `n`, on the stack: three 32-bit words, zero and
    /// then `n`'s low and high halves, little-endian (the layout of ``nonceBytes(_:)``).
    private func withNonce(_ body: (UnsafePointer<UInt8>) -> Int32) -> Int32 {
        let words: (UInt32, UInt32, UInt32) = (
            0, UInt32(truncatingIfNeeded: nonce).littleEndian, UInt32(truncatingIfNeeded: nonce >> 32).littleEndian
        )
        return withUnsafeBytes(of: words) { raw in
            body(raw.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
    }
}

/// A ChaChaPoly key in memory of its own, zeroed when the last cipher holding it goes
/// (`sodium_memzero`); never copied after it is made.
final class NoiseKey: @unchecked Sendable {
    /// Written once, in `init`; only read after (hence `@unchecked Sendable`).
    let bytes: UnsafeMutablePointer<UInt8>

    init(_ key: [UInt8]) {
        NoiseKey.sodiumReady()
        bytes = .allocate(capacity: 32)
        bytes.initialize(from: key, count: 32)
    }

    deinit {
        sodium_memzero(bytes, 32)
        bytes.deallocate()
    }

    /// `sodium_init()`, once: it picks the fastest ChaCha20 code for this CPU (Swift
    /// initialises a static let lazily and atomically).
    private static let initialized: Bool = sodium_init() >= 0

    static func sodiumReady() {
        precondition(initialized, "sodium_init() failed")
    }
}
