import Crypto

/// HMAC-SHA-256 (RFC 2104) straight over swift-crypto's `SHA256` (BoringSSL, SHA-NI where the
/// CPU has it). The same function as swift-crypto's `HMAC<SHA256>`, without its costs on the
/// Olm path: no `SymmetricKey`, no key and pad arrays, no generic `DataProtocol` walks.
///
/// A value holds the key's inner and outer hash states (ipad and opad absorbed), so a key used
/// more than once (a chain key for its message key and the next chain key, the HKDF
/// pseudo-random key for each output block, the constant salt of `OLM_KEYS`) is prepared
/// once: copy the value, `update`, `finalize`. Copies are cheap until they are updated
/// (copy-on-write of the hash contexts).
package struct HMACSHA256: Sendable {
    private var inner: SHA256
    private var outer: SHA256

    /// Prepares `key` (hashed first if longer than the 64-byte block, as RFC 2104 says).
    package init(key: UnsafeRawBufferPointer) {
        if key.count > 64 {
            var hash = SHA256()
            hash.update(bufferPointer: key)
            let digest = hash.finalize()
            self = digest.withUnsafeBytes { HMACSHA256(key: $0) }
            return
        }
        var inner = SHA256()
        var outer = SHA256()
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { block in
            for i in 0..<64 { block[i] = (i < key.count ? key[i] : 0) ^ 0x36 }
            inner.update(bufferPointer: UnsafeRawBufferPointer(block))
            for i in 0..<64 { block[i] ^= 0x36 ^ 0x5c }
            outer.update(bufferPointer: UnsafeRawBufferPointer(block))
            for i in 0..<64 { block[i] = 0 }
        }
        self.inner = inner
        self.outer = outer
    }

    package init(key: [UInt8]) {
        self = key.withUnsafeBytes { HMACSHA256(key: $0) }
    }

    package mutating func update(_ data: UnsafeRawBufferPointer) {
        inner.update(bufferPointer: data)
    }

    package mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { inner.update(bufferPointer: $0) }
    }

    package mutating func update(byte: UInt8) {
        withUnsafeBytes(of: byte) { inner.update(bufferPointer: $0) }
    }

    /// The MAC of everything given to `update`. Spends the value: to use the key again, copy
    /// it before the first `update`.
    package mutating func finalize() -> SHA256Digest {
        let innerDigest = inner.finalize()
        innerDigest.withUnsafeBytes { outer.update(bufferPointer: $0) }
        return outer.finalize()
    }

    /// `finalize()` as 32 bytes.
    package mutating func finalizeBytes() -> [UInt8] {
        finalize().withUnsafeBytes { [UInt8]($0) }
    }

    /// One-shot HMAC-SHA-256 of `data` under `key`.
    package static func mac(key: [UInt8], _ data: [UInt8]) -> [UInt8] {
        var h = HMACSHA256(key: key)
        h.update(data)
        return h.finalizeBytes()
    }
}

/// HKDF-SHA-256 (RFC 5869) over `HMACSHA256`.
package enum HKDFSHA256 {
    /// HKDF-Extract with a prepared salt: the pseudo-random key.
    package static func extract(salt: HMACSHA256, ikm: UnsafeRawBufferPointer) -> [UInt8] {
        var h = salt
        h.update(ikm)
        return h.finalizeBytes()
    }

    /// HKDF-Expand: `count` bytes (at most 255 × 32) from the pseudo-random key `prk`.
    package static func expand(prk: [UInt8], info: [UInt8], count: Int) -> [UInt8] {
        precondition(count <= 255 * 32, "HKDF-SHA-256 output too long")
        let keyed = HMACSHA256(key: prk)
        var out: [UInt8] = []
        out.reserveCapacity(count + 32)
        var counter: UInt8 = 1
        while out.count < count {
            var h = keyed
            if counter > 1 { out.withUnsafeBytes { h.update(UnsafeRawBufferPointer(rebasing: $0[(out.count - 32)...])) } }
            h.update(info)
            h.update(byte: counter)
            h.finalize().withUnsafeBytes { out.append(contentsOf: $0) }
            counter &+= 1
        }
        out.removeLast(out.count - count)
        return out
    }
}
