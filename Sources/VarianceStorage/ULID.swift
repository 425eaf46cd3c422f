/// A Universally Unique Lexicographically Sortable Identifier: 48 bits of Unix time in
/// milliseconds followed by 80 random bits, written as 26 Crockford base32 characters.
///
/// Comparison follows the canonical string order, so sorting ULIDs or their strings gives
/// the same result. Message ids are ULIDs.
public struct ULID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The high 64 bits: 48 bits of time, then the top 16 random bits.
    public let high: UInt64
    /// The low 64 random bits.
    public let low: UInt64

    /// The largest time a ULID can hold (2^48 - 1 ms, in the year 10889).
    public static let maxTime: UInt64 = (1 << 48) - 1

    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// Creates a ULID from its two halves.
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Creates a ULID from a time (truncated to 48 bits) and 80 random bits
    /// (`randomHigh` keeps only its low 16 bits).
    public init(unixMillis: UInt64, randomHigh: UInt16, randomLow: UInt64) {
        self.init(high: (unixMillis & Self.maxTime) << 16 | UInt64(randomHigh), low: randomLow)
    }

    /// Parses 26 Crockford base32 characters (either case). Returns nil for any other
    /// length, for characters outside the alphabet, and for values above 2^128 - 1
    /// (a first character above `7`).
    public init?(string: String) {
        let bytes = Array(string.utf8)
        guard bytes.count == 26 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for (index, byte) in bytes.enumerated() {
            guard let value = Self.decode(byte) else { return nil }
            if index == 0 && value > 7 { return nil }
            // Shift the 128-bit number (high, low) left by 5 and add value.
            high = high << 5 | low >> 59
            low = low << 5 | UInt64(value)
        }
        self.init(high: high, low: low)
    }

    /// Milliseconds since the Unix epoch.
    public var unixMillis: UInt64 { high >> 16 }

    /// The canonical 26-character upper-case form.
    public var description: String {
        var chars = [UInt8](repeating: 0, count: 26)
        var high = high
        var low = low
        for index in stride(from: 25, through: 0, by: -1) {
            chars[index] = Self.alphabet[Int(low & 31)]
            low = low >> 5 | (high & 31) << 59
            high >>= 5
        }
        return String(decoding: chars, as: UTF8.self)
    }

    /// Orders by time, then by the random bits (the canonical string order).
    public static func < (lhs: ULID, rhs: ULID) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }

    private static func decode(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return decodeUpper(byte - 32)
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return decodeUpper(byte)
        default: return nil
        }
    }

    private static func decodeUpper(_ byte: UInt8) -> UInt8? {
        guard let index = alphabet.firstIndex(of: byte) else { return nil }  // I, L, O, U
        return UInt8(index)
    }
}
