import Crypto
import CryptoExtras

/// The key derivations and the cipher of the Olm specification.
package enum OlmKDF {
    /// HKDF-SHA-256 with `salt`, `info`, `count` output bytes.
    package static func hkdf(_ ikm: [UInt8], salt: [UInt8], info: [UInt8], count: Int) -> [UInt8] {
        let key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: ikm), salt: salt, info: info, outputByteCount: count)
        return key.withUnsafeBytes { [UInt8]($0) }
    }

    /// HMAC-SHA-256.
    package static func hmac(key: [UInt8], _ data: [UInt8]) -> [UInt8] {
        [UInt8](HMAC<SHA256>.authenticationCode(for: data, using: SymmetricKey(data: key)))
    }

    /// The 3DH secret (96 bytes) → (root key, chain key): HKDF, salt 0x00, info "OLM_ROOT".
    package static func rootAndChain(sharedSecret: [UInt8]) -> (root: [UInt8], chain: [UInt8]) {
        let out = hkdf(sharedSecret, salt: [0], info: Array("OLM_ROOT".utf8), count: 64)
        return (Array(out[0..<32]), Array(out[32..<64]))
    }

    /// A DH ratchet step: HKDF with the root key as salt, info "OLM_RATCHET".
    package static func ratchet(rootKey: [UInt8], dh: [UInt8]) -> (root: [UInt8], chain: [UInt8]) {
        let out = hkdf(dh, salt: rootKey, info: Array("OLM_RATCHET".utf8), count: 64)
        return (Array(out[0..<32]), Array(out[32..<64]))
    }

    /// Chain key → message key (HMAC with 0x01).
    package static func messageKey(chainKey: [UInt8]) -> [UInt8] { hmac(key: chainKey, [0x01]) }
    /// Chain key → next chain key (HMAC with 0x02).
    package static func nextChainKey(_ chainKey: [UInt8]) -> [UInt8] { hmac(key: chainKey, [0x02]) }
}

/// AES-256-CBC + HMAC-SHA-256 keyed from a 32-byte message key (HKDF info "OLM_KEYS").
package struct OlmCipher {
    let aesKey: SymmetricKey
    let macKey: [UInt8]
    let iv: AES._CBC.IV

    package init(messageKey: [UInt8], info: String = "OLM_KEYS") {
        let out = OlmKDF.hkdf(messageKey, salt: [0], info: Array(info.utf8), count: 80)
        aesKey = SymmetricKey(data: out[0..<32])
        macKey = Array(out[32..<64])
        iv = try! AES._CBC.IV(ivBytes: out[64..<80])
    }

    package func encrypt(_ plaintext: [UInt8]) -> [UInt8] {
        // Cannot fail: the key is 32 bytes and the IV 16.
        [UInt8](try! AES._CBC.encrypt(plaintext, using: aesKey, iv: iv))
    }

    package func decrypt(_ ciphertext: [UInt8]) throws(OlmError) -> [UInt8] {
        guard !ciphertext.isEmpty, ciphertext.count % 16 == 0,
            let out = try? AES._CBC.decrypt(ciphertext, using: aesKey, iv: iv)
        else { throw .badPadding }
        return [UInt8](out)
    }

    package func mac(_ data: [UInt8]) -> [UInt8] { OlmKDF.hmac(key: macKey, data) }

    package func verifyTruncatedMAC(_ data: [UInt8], _ tag: ArraySlice<UInt8>) -> Bool {
        constantTimeEqual(mac(data).prefix(tag.count), tag)
    }
}
