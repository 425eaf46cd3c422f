// The X25519 cost under the alternating figures: every change of direction is a DH ratchet
// step, i.e. per message one new key pair (the public key from a fresh secret: a fixed-base
// scalar multiplication) and two agreements (the sender's and the receiver's). Measured here
// with swift-crypto (BoringSSL) alone, it bounds what any Olm on this CPU and library can do.
import Crypto

struct X25519Speed {
    /// µs per `sharedSecretFromKeyAgreement`, per round.
    var agreementUs: [Double]
    /// µs per `PrivateKey(rawRepresentation:)` (computes the public key), per round.
    var keyFromSecretUs: [Double]

    /// `rounds` rounds of `seconds` each for both operations.
    static func measure(rounds: Int = 5, seconds: Double = 0.2) throws -> X25519Speed {
        var rng = SplitMix64(seed: 25519)
        let secrets = (0..<16).map { _ in (0..<32).map { _ in UInt8(truncatingIfNeeded: rng.next()) } }
        let keys = try secrets.map { try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: $0) }
        let limit = UInt64(seconds * 1e9)
        var result = X25519Speed(agreementUs: [], keyFromSecretUs: [])
        var checksum: UInt8 = 0
        for _ in 0..<rounds {
            var n = 0
            var start = nowNs()
            repeat {
                for i in 0..<16 {
                    let shared = try keys[i].sharedSecretFromKeyAgreement(with: keys[(i + 1) & 15].publicKey)
                    checksum ^= shared.withUnsafeBytes { $0[0] }
                }
                n += 16
            } while nowNs() - start < limit
            result.agreementUs.append(Double(nowNs() - start) / 1e3 / Double(n))

            n = 0
            start = nowNs()
            repeat {
                for i in 0..<16 {
                    checksum ^= try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: secrets[i]).publicKey.rawRepresentation[0]
                }
                n += 16
            } while nowNs() - start < limit
            result.keyFromSecretUs.append(Double(nowNs() - start) / 1e3 / Double(n))
        }
        if checksum == 0x5A { note("") }  // keeps the loops from being optimised away
        return result
    }

    /// Messages/s that the X25519 work alone would allow in the alternating case: one key
    /// pair and two agreements per message (medians).
    var alternatingCeiling: Double? {
        guard let a = Summary(agreementUs)?.median, let k = Summary(keyFromSecretUs)?.median else { return nil }
        return 1e6 / (2 * a + k)
    }
}
