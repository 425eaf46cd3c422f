import Crypto

/// PBKDF2 (RFC 8018 §5.2) with HMAC-SHA512, which swift-crypto does not provide. Used for
/// the BIP39 seed (2048 iterations, 64 bytes).
package enum PBKDF2 {
    /// PBKDF2-HMAC-SHA512.
    ///
    /// - Parameters:
    ///   - password: The password bytes (the HMAC key).
    ///   - salt: The salt.
    ///   - iterations: The iteration count, at least 1.
    ///   - keyLength: The output length in bytes, at least 1.
    /// - Returns: The derived key.
    package static func hmacSHA512(password: [UInt8], salt: [UInt8], iterations: Int, keyLength: Int) -> [UInt8] {
        precondition(iterations >= 1 && keyLength >= 1)
        // The keyed HMAC state is a value: copying it skips re-hashing the key pads each round.
        let keyed = HMAC<SHA512>(key: SymmetricKey(data: password))
        var output: [UInt8] = []
        output.reserveCapacity(keyLength)
        var blockIndex: UInt32 = 1
        while output.count < keyLength {
            var mac = keyed
            mac.update(data: salt)
            mac.update(data: [
                UInt8(truncatingIfNeeded: blockIndex >> 24), UInt8(truncatingIfNeeded: blockIndex >> 16),
                UInt8(truncatingIfNeeded: blockIndex >> 8), UInt8(truncatingIfNeeded: blockIndex),
            ])
            var u = Array(mac.finalize())
            var block = u
            for _ in 1..<iterations {
                var round = keyed
                round.update(data: u)
                u = Array(round.finalize())
                for index in block.indices { block[index] ^= u[index] }
            }
            output += block.prefix(keyLength - output.count)
            Sodium.zero(&u)
            Sodium.zero(&block)
            blockIndex += 1
        }
        return output
    }
}
