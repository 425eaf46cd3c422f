import Crypto
import CryptoExtras

/// The key derivations and the cipher of the Olm specification.
package enum OlmKDF {
    /// HKDF-SHA-256 with `salt`, `info`, `count` output bytes.
    package static func hkdf(_ ikm: [UInt8], salt: [UInt8], info: [UInt8], count: Int) -> [UInt8] {
        hkdf(ikm, salt: HMACSHA256(key: salt), info: info, count: count)
    }

    /// HKDF-SHA-256 with a prepared salt.
    package static func hkdf(_ ikm: [UInt8], salt: HMACSHA256, info: [UInt8], count: Int) -> [UInt8] {
        let prk = ikm.withUnsafeBytes { HKDFSHA256.extract(salt: salt, ikm: $0) }
        return HKDFSHA256.expand(prk: prk, info: info, count: count)
    }

    /// The salt 0x00 of `OLM_ROOT` and `OLM_KEYS`, prepared once.
    static let zeroSalt = HMACSHA256(key: [0])
    static let rootInfo = Array("OLM_ROOT".utf8)
    static let ratchetInfo = Array("OLM_RATCHET".utf8)
    static let keysInfo = Array("OLM_KEYS".utf8)

    /// The 3DH secret (96 bytes) → (root key, chain key): HKDF, salt 0x00, info "OLM_ROOT".
    package static func rootAndChain(sharedSecret: [UInt8]) -> (root: [UInt8], chain: [UInt8]) {
        let out = hkdf(sharedSecret, salt: zeroSalt, info: rootInfo, count: 64)
        return (Array(out[0..<32]), Array(out[32..<64]))
    }

    /// A DH ratchet step: HKDF with the root key as salt, info "OLM_RATCHET".
    package static func ratchet(rootKey: [UInt8], dh: [UInt8]) -> (root: [UInt8], chain: [UInt8]) {
        let out = hkdf(dh, salt: rootKey, info: ratchetInfo, count: 64)
        return (Array(out[0..<32]), Array(out[32..<64]))
    }

    /// A chain step: HMAC-SHA-256 of 0x01 under the chain key is the message key, of 0x02
    /// the next chain key; the chain key is prepared once for both.
    package static func chainStep(_ chainKey: [UInt8]) -> (messageKey: [UInt8], nextChainKey: [UInt8]) {
        var message = HMACSHA256(key: chainKey)
        var next = message
        message.update(byte: 0x01)
        next.update(byte: 0x02)
        return (message.finalizeBytes(), next.finalizeBytes())
    }
}

/// AES-256-CBC + HMAC-SHA-256 keyed from a 32-byte message key (HKDF info "OLM_KEYS").
package struct OlmCipher {
    let aesKey: SymmetricKey
    /// The MAC key, prepared.
    let macKey: HMACSHA256
    let iv: AES._CBC.IV

    package init(messageKey: [UInt8], info: String = "OLM_KEYS") {
        let out = OlmKDF.hkdf(messageKey, salt: OlmKDF.zeroSalt, info: info == "OLM_KEYS" ? OlmKDF.keysInfo : Array(info.utf8), count: 80)
        aesKey = out.withUnsafeBytes { SymmetricKey(data: UnsafeRawBufferPointer(rebasing: $0[0..<32])) }
        macKey = out.withUnsafeBytes { HMACSHA256(key: UnsafeRawBufferPointer(rebasing: $0[32..<64])) }
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

    /// The truncated MAC of a message: its header (everything before the ciphertext) and
    /// ciphertext, without joining them.
    package func messageMAC(header: [UInt8], ciphertext: [UInt8]) -> [UInt8] {
        var h = macKey
        h.update(header)
        h.update(ciphertext)
        return Array(h.finalizeBytes().prefix(NormalMessage.macLength))
    }

    /// Checks the truncated MAC of a message (constant time).
    package func verifyMessageMAC(header: [UInt8], ciphertext: [UInt8], tag: [UInt8]) -> Bool {
        constantTimeEqual(messageMAC(header: header, ciphertext: ciphertext), tag)
    }
}
