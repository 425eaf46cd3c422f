import Crypto

/// A safety number two people compare to check they talk to each other with no one in
/// between: 60 digits in 12 groups of 5, the same on both sides, different as soon as
/// either DID or either Olm identity key differs.
///
/// Construction (the shape of Signal's numeric fingerprint, version 0 of ours):
/// 1. For each party, `h = SHA-512(0x00 0x00 ‖ key ‖ did)`, then 5,200 times
///    `h = SHA-512(h ‖ key)` (`key` is the party's 32-byte Olm Curve25519 identity key from
///    its verified identity record, `did` its `did:key` in UTF-8).
/// 2. The first 30 bytes of `h` as six 5-byte big-endian integers, each mod 100,000 and
///    written as 5 decimal digits: 30 digits per party.
/// 3. The two 30-digit strings sorted (so the order of the arguments does not matter) and
///    concatenated: 60 digits, printed in groups of 5 separated by spaces.
public enum SafetyNumber {
    /// SHA-512 iterations per party.
    public static let iterations = 5200

    /// The safety number of two parties; `compute(A, B) == compute(B, A)`.
    public static func compute(didA: String, keyA: [UInt8], didB: String, keyB: [UInt8]) -> String {
        let digits = [half(did: didA, key: keyA), half(did: didB, key: keyB)].sorted().joined()
        var groups: [Substring] = []
        var rest = Substring(digits)
        while !rest.isEmpty {
            groups.append(rest.prefix(5))
            rest = rest.dropFirst(5)
        }
        return groups.joined(separator: " ")
    }

    /// 30 digits for one party.
    static func half(did: String, key: [UInt8]) -> String {
        var h = Array(SHA512.hash(data: [0, 0] + key + Array(did.utf8)))
        for _ in 0..<iterations { h = Array(SHA512.hash(data: h + key)) }
        var out = ""
        for chunk in 0..<6 {
            let value = h[(chunk * 5)..<(chunk * 5 + 5)].reduce(UInt64(0)) { $0 << 8 | UInt64($1) } % 100_000
            let text = String(value)
            out += String(repeating: "0", count: 5 - text.count) + text
        }
        return out
    }
}
