import Crypto

/// The encrypted, versioned serialization ("pickle") of accounts and sessions: our own
/// format, not libolm's or vodozemac's.
///
/// ```
/// "VOLM" | kind (1 account, 2 session) | version (1) | ChaChaPoly nonce (12) | ciphertext | tag (16)
/// ```
/// The first 6 bytes are authenticated as associated data; the key is exactly 32 bytes.
package enum Pickle {
    static let magic: [UInt8] = Array("VOLM".utf8)
    static let version: UInt8 = 1

    package enum Kind: UInt8 { case account = 1, session = 2 }

    package static func seal(_ plaintext: [UInt8], kind: Kind, key: [UInt8], using rng: inout some RandomNumberGenerator) throws(OlmError) -> [UInt8] {
        guard key.count == 32 else { throw .badPickle("key must be 32 bytes") }
        let header = magic + [kind.rawValue, version]
        guard let nonce = try? ChaChaPoly.Nonce(data: rng.bytes(12)),
            let box = try? ChaChaPoly.seal(plaintext, using: SymmetricKey(data: key), nonce: nonce, authenticating: header)
        else { throw .badPickle("seal") }
        return header + [UInt8](box.combined)
    }

    package static func open(_ pickle: [UInt8], kind: Kind, key: [UInt8]) throws(OlmError) -> [UInt8] {
        guard key.count == 32 else { throw .badPickle("key must be 32 bytes") }
        guard pickle.count >= 6 + 12 + 16, Array(pickle[0..<4]) == magic else { throw .badPickle("not a pickle") }
        guard pickle[4] == kind.rawValue else { throw .badPickle("wrong kind") }
        guard pickle[5] == version else { throw .badPickle("unsupported version") }
        guard let box = try? ChaChaPoly.SealedBox(combined: pickle[6...]),
            let plain = try? ChaChaPoly.open(box, using: SymmetricKey(data: key), authenticating: pickle[0..<6])
        else { throw .badPickle("wrong key or corrupted") }
        return [UInt8](plain)
    }
}

/// Writes the plaintext of a pickle.
package struct PickleWriter {
    package var bytes: [UInt8] = []
    package init() {}
    package mutating func u8(_ v: UInt8) { bytes.append(v) }
    package mutating func u64(_ v: UInt64) { for s in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: v >> UInt64(s))) } }
    package mutating func key(_ k: [UInt8]) { precondition(k.count == 32); bytes += k }
}

/// Reads the plaintext of a pickle.
package struct PickleReader {
    let bytes: [UInt8]
    var at = 0
    package init(_ bytes: [UInt8]) { self.bytes = bytes }
    package mutating func u8() throws(OlmError) -> UInt8 {
        guard at < bytes.count else { throw .badPickle("truncated") }
        at += 1
        return bytes[at - 1]
    }
    package mutating func u64() throws(OlmError) -> UInt64 {
        var v: UInt64 = 0
        for _ in 0..<8 { v = v << 8 | UInt64(try u8()) }
        return v
    }
    package mutating func key() throws(OlmError) -> [UInt8] {
        guard bytes.count - at >= 32 else { throw .badPickle("truncated") }
        at += 32
        return Array(bytes[(at - 32)..<at])
    }
    package func finish() throws(OlmError) { guard at == bytes.count else { throw .badPickle("trailing bytes") } }
}
