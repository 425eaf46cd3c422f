import Crypto

/// SLIP-0010 private key derivation for the ed25519 curve
/// (https://github.com/satoshilabs/slips/blob/master/slip-0010.md).
///
/// - Master: `I = HMAC-SHA512(key: "ed25519 seed", data: seed)`; private key `I[0..<32]`,
///   chain code `I[32..<64]`.
/// - Child (hardened only, as ed25519 requires): `I = HMAC-SHA512(key: chainCode,
///   data: 0x00 ‖ privateKey ‖ ser32(index + 2^31))`, same split.
///
/// The private key is used directly as the 32-byte Ed25519 seed (RFC 8032 private key).
package enum SLIP10 {
    /// A private key with its chain code.
    package struct ExtendedKey: Sendable {
        /// The 32-byte Ed25519 private key seed.
        package var privateKey: [UInt8]
        /// The 32-byte chain code.
        package var chainCode: [UInt8]
    }

    /// Added to a child index to mark it hardened.
    package static let hardenedOffset: UInt32 = 0x8000_0000

    /// The master key of `seed` (SLIP-0010 allows 16 to 64 bytes; BIP39 seeds are 64).
    ///
    /// - Parameter seed: The seed bytes.
    /// - Returns: The master extended key.
    package static func masterKey(seed: [UInt8]) -> ExtendedKey {
        split(HMAC<SHA512>.authenticationCode(for: seed, using: SymmetricKey(data: Array("ed25519 seed".utf8))))
    }

    /// The hardened child `index'` of `parent`.
    ///
    /// - Parameters:
    ///   - parent: The parent key.
    ///   - index: The child index below 2^31; it is hardened here.
    /// - Returns: The child extended key.
    package static func hardenedChild(of parent: ExtendedKey, index: UInt32) -> ExtendedKey {
        precondition(index < hardenedOffset, "give the unhardened index; it is hardened here")
        let hardened = index | hardenedOffset
        var data: [UInt8] = [0x00]
        data += parent.privateKey
        data += [
            UInt8(truncatingIfNeeded: hardened >> 24), UInt8(truncatingIfNeeded: hardened >> 16),
            UInt8(truncatingIfNeeded: hardened >> 8), UInt8(truncatingIfNeeded: hardened),
        ]
        defer { Sodium.zero(&data) }
        return split(HMAC<SHA512>.authenticationCode(for: data, using: SymmetricKey(data: parent.chainCode)))
    }

    /// Derives the key at `m/path[0]'/path[1]'/…` from `seed`.
    ///
    /// - Parameters:
    ///   - seed: The seed bytes.
    ///   - path: Unhardened indices, each below 2^31; every step is hardened.
    /// - Returns: The extended key at the end of the path.
    package static func derive(seed: [UInt8], path: [UInt32]) -> ExtendedKey {
        var key = masterKey(seed: seed)
        for index in path {
            let child = hardenedChild(of: key, index: index)
            Sodium.zero(&key.privateKey)
            Sodium.zero(&key.chainCode)
            key = child
        }
        return key
    }

    private static func split(_ code: HashedAuthenticationCode<SHA512>) -> ExtendedKey {
        let bytes = Array(code)
        return ExtendedKey(privateKey: Array(bytes[0..<32]), chainCode: Array(bytes[32..<64]))
    }
}
