/// Base58 with the Bitcoin alphabet ("base58btc"), as used by libp2p peer IDs and by the
/// multibase prefix `z`.
///
/// Leading zero bytes are encoded as leading `1` characters and back. The conversion is
/// quadratic in the input length, which is fine for keys and identifiers (tens of bytes);
/// do not feed it large buffers.
public enum Base58 {
    /// Why a string is not valid base58btc.
    public enum DecodingError: Error, Sendable, Equatable {
        /// The character at this zero-based position is not in the Bitcoin alphabet.
        case invalidCharacter(position: Int)
    }

    /// The Bitcoin base58 alphabet (no `0`, `O`, `I`, `l`).
    public static let alphabet: [UInt8] = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)

    /// Maps an ASCII byte to its digit value, or 0xFF if it is not in the alphabet.
    private static let digitValues: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, character) in alphabet.enumerated() {
            table[Int(character)] = UInt8(value)
        }
        return table
    }()

    /// Encodes bytes as base58btc (without a multibase prefix).
    ///
    /// - Parameter bytes: The bytes to encode; may be empty (gives "").
    /// - Returns: The base58btc text.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        let input = Array(bytes)
        let zeros = input.prefix(while: { $0 == 0 }).count
        // Base-58 digits, least significant first. log(256)/log(58) < 1.37.
        var digits: [UInt8] = []
        digits.reserveCapacity((input.count - zeros) * 137 / 100 + 1)
        for byte in input[zeros...] {
            var carry = Int(byte)
            for index in digits.indices {
                carry += Int(digits[index]) << 8
                digits[index] = UInt8(carry % 58)
                carry /= 58
            }
            while carry > 0 {
                digits.append(UInt8(carry % 58))
                carry /= 58
            }
        }
        var output = [UInt8](repeating: alphabet[0], count: zeros)
        output.reserveCapacity(zeros + digits.count)
        for digit in digits.reversed() {
            output.append(alphabet[Int(digit)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes base58btc text (without a multibase prefix).
    ///
    /// - Parameter s: The text; "" decodes to no bytes. Whitespace is not accepted.
    /// - Returns: The decoded bytes.
    /// - Throws: ``DecodingError/invalidCharacter(position:)`` for a character outside the
    ///   alphabet (the position counts UTF-8 bytes).
    public static func decode(_ s: String) throws(DecodingError) -> [UInt8] {
        let input = Array(s.utf8)
        let zeros = input.prefix(while: { $0 == alphabet[0] }).count
        // Base-256 bytes, least significant first. log(58)/log(256) < 0.733.
        var bytes: [UInt8] = []
        bytes.reserveCapacity((input.count - zeros) * 733 / 1000 + 1)
        for position in zeros..<input.count {
            let value = digitValues[Int(input[position])]
            guard value != 0xFF else { throw .invalidCharacter(position: position) }
            var carry = Int(value)
            for index in bytes.indices {
                carry += Int(bytes[index]) * 58
                bytes[index] = UInt8(carry & 0xFF)
                carry >>= 8
            }
            while carry > 0 {
                bytes.append(UInt8(carry & 0xFF))
                carry >>= 8
            }
        }
        return [UInt8](repeating: 0, count: zeros) + bytes.reversed()
    }
}
