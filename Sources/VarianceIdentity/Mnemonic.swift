import Crypto

/// BIP39 mnemonics with the English word list
/// (https://github.com/bitcoin/bips/blob/master/bip-0039.mediawiki).
///
/// Entropy of 16, 20, 24, 28 or 32 bytes maps to 12, 15, 18, 21 or 24 words: the entropy
/// followed by the first `bits/32` bits of its SHA-256, read as 11-bit word indices.
/// The seed is PBKDF2-HMAC-SHA512 of the words joined by single spaces, with the salt
/// `"mnemonic" + passphrase`, 2048 iterations, 64 bytes.
///
/// Unicode: BIP39 specifies NFKD for the sentence and the passphrase. The English words are
/// ASCII; passphrases are used as given, so callers must pass ASCII or NFKD-normalised text.
/// Words are compared exactly: use ``words(fromPhrase:)`` to split and lowercase user input.
public enum Mnemonic {
    /// The word counts BIP39 defines.
    public static let validWordCounts = [12, 15, 18, 21, 24]

    /// PBKDF2 iterations for the seed, fixed by BIP39.
    public static let seedIterations = 2048

    /// Word → index in the English list.
    private static let englishIndex: [String: Int] = {
        var index: [String: Int] = [:]
        index.reserveCapacity(englishWordlist.count)
        for (position, word) in englishWordlist.enumerated() { index[word] = position }
        return index
    }()

    /// A new random mnemonic from the operating system's CSPRNG (libsodium `randombytes_buf`).
    ///
    /// - Parameter wordCount: 12, 15, 18, 21 or 24; anything else is a programming error
    ///   and traps.
    /// - Returns: The words, lowercase.
    public static func generate(wordCount: Int = 24) -> [String] {
        precondition(validWordCounts.contains(wordCount), "BIP39 word count must be 12, 15, 18, 21 or 24")
        var entropy = Sodium.randomBytes(wordCount / 3 * 4)
        defer { Sodium.zero(&entropy) }
        return mnemonic(fromEntropy: entropy)
    }

    /// The mnemonic of some entropy.
    ///
    /// - Parameter entropy: 16, 20, 24, 28 or 32 bytes; anything else is a programming error
    ///   and traps.
    /// - Returns: 12 to 24 words.
    public static func mnemonic(fromEntropy entropy: [UInt8]) -> [String] {
        precondition([16, 20, 24, 28, 32].contains(entropy.count), "BIP39 entropy must be 16, 20, 24, 28 or 32 bytes")
        let checksumBits = entropy.count / 4
        var bits = entropy + [Array(SHA256.hash(data: entropy))[0]]
        defer { Sodium.zero(&bits) }
        let wordCount = (entropy.count * 8 + checksumBits) / 11
        return (0..<wordCount).map { word in
            var index = 0
            for bit in word * 11..<word * 11 + 11 {
                index = index << 1 | Int(bits[bit / 8] >> (7 - UInt8(bit % 8)) & 1)
            }
            return englishWordlist[index]
        }
    }

    /// The entropy a mnemonic encodes, after checking its words and checksum.
    ///
    /// - Parameter words: The words, exactly as in the list (lowercase, no whitespace).
    /// - Returns: 16 to 32 bytes of entropy.
    /// - Throws: ``IdentityError/invalidMnemonic(_:)`` for a wrong word count or a word that
    ///   is not in the list (the message gives its 1-based position),
    ///   ``IdentityError/badChecksum`` if the checksum does not match.
    public static func entropy(from words: [String]) throws(IdentityError) -> [UInt8] {
        guard validWordCounts.contains(words.count) else {
            throw .invalidMnemonic("expected 12, 15, 18, 21 or 24 words, got \(words.count)")
        }
        var bits = [UInt8](repeating: 0, count: (words.count * 11 + 7) / 8)
        defer { Sodium.zero(&bits) }
        for (position, word) in words.enumerated() {
            guard let index = englishIndex[word] else {
                throw .invalidMnemonic("word \(position + 1) is not in the BIP39 English list")
            }
            for offset in 0..<11 where index >> (10 - offset) & 1 == 1 {
                let bit = position * 11 + offset
                bits[bit / 8] |= 0x80 >> UInt8(bit % 8)
            }
        }
        let checksumBits = words.count * 11 / 33
        let entropyLength = checksumBits * 4
        var entropy = Array(bits[0..<entropyLength])
        let expected = Array(SHA256.hash(data: entropy))[0] >> (8 - UInt8(checksumBits))
        let actual = bits[entropyLength] >> (8 - UInt8(checksumBits))
        guard expected == actual else {
            Sodium.zero(&entropy)
            throw .badChecksum
        }
        return entropy
    }

    /// The 64-byte BIP39 seed of a mnemonic. The words are not validated (BIP39 derives a
    /// seed from any sentence); call ``entropy(from:)`` first to check them.
    ///
    /// - Parameters:
    ///   - words: The words; they are joined with single spaces.
    ///   - passphrase: The optional BIP39 passphrase (ASCII or NFKD). Variance identities
    ///     use the empty passphrase.
    /// - Returns: 64 bytes.
    public static func seed(from words: [String], passphrase: String = "") -> [UInt8] {
        var password = Array(words.joined(separator: " ").utf8)
        var salt = Array("mnemonic".utf8) + Array(passphrase.utf8)
        defer {
            Sodium.zero(&password)
            Sodium.zero(&salt)
        }
        return PBKDF2.hmacSHA512(password: password, salt: salt, iterations: seedIterations, keyLength: 64)
    }

    /// Splits typed or pasted text into words: any whitespace separates words, and ASCII
    /// letters are lowercased. The result still needs ``entropy(from:)`` to be validated.
    ///
    /// - Parameter phrase: The text.
    /// - Returns: The words.
    public static func words(fromPhrase phrase: String) -> [String] {
        phrase.split(whereSeparator: { $0.isWhitespace }).map { word in
            String(decoding: word.utf8.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
        }
    }
}
