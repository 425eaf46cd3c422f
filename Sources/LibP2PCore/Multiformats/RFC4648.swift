/// The RFC 4648 base-16, base-32 and base-64 codecs behind ``Multibase``, parameterised by
/// alphabet, padding and case sensitivity.
///
/// Decoding is strict so that every byte string has exactly one text form per alphabet:
/// impossible lengths, misplaced or missing padding and non-zero trailing bits are refused.
struct RFC4648: Sendable {
    /// The digits, `1 << bitsPerCharacter` of them.
    let alphabet: [UInt8]
    /// 4, 5 or 6.
    let bitsPerCharacter: Int
    /// Whether encoding pads with `=` to a whole block (and decoding requires it).
    let padded: Bool
    /// Whether decoding accepts both letter cases.
    let caseInsensitive: Bool
    /// Maps an ASCII byte to its digit value, or 0xFF.
    private let values: [UInt8]

    init(alphabet: String, padded: Bool = false, caseInsensitive: Bool = false) {
        self.alphabet = Array(alphabet.utf8)
        self.bitsPerCharacter = self.alphabet.count.trailingZeroBitCount
        self.padded = padded
        self.caseInsensitive = caseInsensitive
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, character) in self.alphabet.enumerated() {
            table[Int(character)] = UInt8(value)
            if caseInsensitive {
                table[Int(Self.lowercased(character))] = UInt8(value)
                table[Int(Self.uppercased(character))] = UInt8(value)
            }
        }
        self.values = table
    }

    /// Characters per padded block: 2 for base 16, 8 for base 32, 4 for base 64.
    private var blockLength: Int {
        switch bitsPerCharacter {
        case 5: 8
        case 6: 4
        default: 2
        }
    }

    /// The text of `bytes`.
    func encode(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count * 8 + bitsPerCharacter - 1) / bitsPerCharacter + blockLength)
        let mask = UInt32(alphabet.count - 1)
        var accumulator: UInt32 = 0
        var bitCount = 0
        for byte in bytes {
            accumulator = (accumulator << 8) | UInt32(byte)
            bitCount += 8
            while bitCount >= bitsPerCharacter {
                bitCount -= bitsPerCharacter
                output.append(alphabet[Int((accumulator >> UInt32(bitCount)) & mask)])
            }
            accumulator &= (1 << UInt32(bitCount)) - 1
        }
        if bitCount > 0 {
            output.append(alphabet[Int((accumulator << UInt32(bitsPerCharacter - bitCount)) & mask)])
        }
        if padded {
            while output.count % blockLength != 0 { output.append(UInt8(ascii: "=")) }
        }
        return output
    }

    /// The bytes of `text`, or the reason it is not canonical text of this codec.
    func decode(_ text: some Collection<UInt8>) throws(Multibase.DecodingError) -> [UInt8] {
        var characters = Array(text)
        if padded {
            guard characters.count % blockLength == 0 else { throw .invalidPadding }
            let padding = characters.reversed().prefix(while: { $0 == UInt8(ascii: "=") }).count
            characters.removeLast(padding)
            // The padding must be exactly what encoding the remaining characters produces.
            guard (characters.count + padding) % blockLength == 0,
                  padding == (blockLength - characters.count % blockLength) % blockLength
            else { throw .invalidPadding }
        }
        // A final partial group must hold at least one whole byte.
        let leftoverBits = characters.count * bitsPerCharacter % 8
        guard leftoverBits < bitsPerCharacter else { throw .invalidLength }
        var output: [UInt8] = []
        output.reserveCapacity(characters.count * bitsPerCharacter / 8)
        var accumulator: UInt32 = 0
        var bitCount = 0
        for (position, character) in characters.enumerated() {
            let value = values[Int(character)]
            guard value != 0xFF else { throw .invalidCharacter(position: position) }
            accumulator = (accumulator << UInt32(bitsPerCharacter)) | UInt32(value)
            bitCount += bitsPerCharacter
            if bitCount >= 8 {
                bitCount -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bitCount)))
                accumulator &= (1 << UInt32(bitCount)) - 1
            }
        }
        guard accumulator == 0 else { throw .nonZeroTrailingBits }
        return output
    }

    private static func lowercased(_ c: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(c) ? c + 32 : c
    }

    private static func uppercased(_ c: UInt8) -> UInt8 {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(c) ? c - 32 : c
    }
}
