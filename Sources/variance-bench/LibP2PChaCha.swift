// The ChaCha20-Poly1305 speed of this CPU, as swift-crypto gives it (BoringSSL underneath):
// the ceiling of one Noise stream, since every byte is sealed once by the sender and opened
// once by the receiver.
import Crypto

struct ChaChaSpeed {
    /// MB/s (10^6 bytes) per round.
    var seal: [Double]
    var open: [Double]
    var bufferBytes: Int

    /// `rounds` rounds of `seconds` each, sealing (then opening) one `bufferBytes` buffer
    /// over and over with one key and nonce (the speed does not depend on either).
    static func measure(bufferBytes: Int = 64 * 1024, rounds: Int = 5, seconds: Double = 0.3) throws -> ChaChaSpeed {
        let key = SymmetricKey(size: .bits256)
        let nonce = ChaChaPoly.Nonce()
        var buffer = [UInt8](repeating: 0, count: bufferBytes)
        for i in buffer.indices { buffer[i] = UInt8(truncatingIfNeeded: i &* 31) }
        let sealed = try ChaChaPoly.seal(buffer, using: key, nonce: nonce)
        let limit = UInt64(seconds * 1e9)
        var result = ChaChaSpeed(seal: [], open: [], bufferBytes: bufferBytes)
        var checksum = 0
        for _ in 0..<rounds {
            var n = 0
            var start = nowNs()
            repeat {
                for _ in 0..<16 { checksum &+= try ChaChaPoly.seal(buffer, using: key, nonce: nonce).ciphertext.count }
                n += 16
            } while nowNs() - start < limit
            result.seal.append(Double(n * bufferBytes) / (Double(nowNs() - start) / 1e9) / 1e6)

            n = 0
            start = nowNs()
            repeat {
                for _ in 0..<16 { checksum &+= try ChaChaPoly.open(sealed, using: key).count }
                n += 16
            } while nowNs() - start < limit
            result.open.append(Double(n * bufferBytes) / (Double(nowNs() - start) / 1e9) / 1e6)
        }
        if checksum == 42 { note("") }  // keeps the loops from being optimised away
        return result
    }
}
