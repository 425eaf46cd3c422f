import Crypto
import LibP2PCore

/// A point in the Kademlia key space: the SHA-256 of a DHT key or of a binary peer ID
/// (libp2p kad-dht, "Distance").
///
/// Stored as four big-endian 64-bit words so that XOR and comparison are a handful of
/// instructions; the simulator and the routing table compare distances millions of times.
public struct KadKey: Sendable, Hashable, CustomStringConvertible {
    /// The 256 bits, most significant word first.
    public let words: (UInt64, UInt64, UInt64, UInt64)

    /// A key from its four words, most significant first.
    public init(words: (UInt64, UInt64, UInt64, UInt64)) {
        self.words = words
    }

    /// The key-space point of arbitrary DHT key bytes: `sha256(bytes)`.
    ///
    /// - Parameter bytes: A record key, provider key (CID/multihash) or binary peer ID.
    public init(hashing bytes: some Sequence<UInt8>) {
        var hasher = SHA256()
        hasher.update(data: Array(bytes))
        self.init(digest: Array(hasher.finalize()))
    }

    /// The key-space point of a peer: the SHA-256 of its binary peer ID.
    ///
    /// - Parameter peer: The peer.
    public init(peer: PeerID) {
        self.init(hashing: peer.bytes)
    }

    /// A key from 32 raw bytes (already a digest); other lengths are a programming error.
    ///
    /// - Parameter digest: Exactly 32 bytes.
    public init(digest: [UInt8]) {
        precondition(digest.count == 32, "a Kademlia key is 32 bytes")
        func word(_ start: Int) -> UInt64 {
            var value: UInt64 = 0
            for index in start..<(start + 8) {
                value = value << 8 | UInt64(digest[index])
            }
            return value
        }
        words = (word(0), word(8), word(16), word(24))
    }

    /// The 32 bytes, big-endian.
    public var bytes: [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(32)
        for word in [words.0, words.1, words.2, words.3] {
            for shift in stride(from: 56, through: 0, by: -8) {
                result.append(UInt8(truncatingIfNeeded: word >> UInt64(shift)))
            }
        }
        return result
    }

    /// The XOR distance to another key.
    ///
    /// - Parameter other: The other key.
    /// - Returns: `self XOR other`.
    public func distance(to other: KadKey) -> KadDistance {
        KadDistance(
            words: (words.0 ^ other.words.0, words.1 ^ other.words.1, words.2 ^ other.words.2, words.3 ^ other.words.3)
        )
    }

    /// The number of leading bits this key shares with `other` (256 when equal).
    ///
    /// - Parameter other: The other key.
    /// - Returns: 0...256.
    public func commonPrefixLength(with other: KadKey) -> Int {
        distance(to: other).leadingZeroBitCount
    }

    /// Equal when all 256 bits are equal.
    public static func == (lhs: KadKey, rhs: KadKey) -> Bool {
        lhs.words == rhs.words
    }

    /// Hashes the 256 bits.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }

    /// Hexadecimal, 64 digits.
    public var description: String {
        bytes.map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
        }.joined()
    }
}

/// The XOR distance between two ``KadKey``s, ordered as a 256-bit unsigned integer.
public struct KadDistance: Sendable, Hashable, Comparable {
    /// The 256 bits, most significant word first.
    public let words: (UInt64, UInt64, UInt64, UInt64)

    /// The number of leading zero bits (256 for distance zero).
    public var leadingZeroBitCount: Int {
        if words.0 != 0 { return words.0.leadingZeroBitCount }
        if words.1 != 0 { return 64 + words.1.leadingZeroBitCount }
        if words.2 != 0 { return 128 + words.2.leadingZeroBitCount }
        return 192 + words.3.leadingZeroBitCount
    }

    /// Equal when all bits are equal.
    public static func == (lhs: KadDistance, rhs: KadDistance) -> Bool {
        lhs.words == rhs.words
    }

    /// Hashes the 256 bits.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }

    /// Numeric order of the 256-bit values.
    public static func < (lhs: KadDistance, rhs: KadDistance) -> Bool {
        if lhs.words.0 != rhs.words.0 { return lhs.words.0 < rhs.words.0 }
        if lhs.words.1 != rhs.words.1 { return lhs.words.1 < rhs.words.1 }
        if lhs.words.2 != rhs.words.2 { return lhs.words.2 < rhs.words.2 }
        return lhs.words.3 < rhs.words.3
    }
}
