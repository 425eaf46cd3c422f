/// Multibase: self-describing base encodings, where the first character names the encoding
/// (`z` base58btc, `b` base32, `f` base16, `m` base64, …), as used by CIDs and multiaddr
/// `certhash` values.
///
/// Only the encodings libp2p meets are supported (see ``Encoding``); others are refused
/// with ``DecodingError/unsupportedPrefix(_:)``. Base16 and base32 decode case-insensitively,
/// as the multibase specification requires; all decoding is strict about lengths, padding
/// and trailing bits, so each byte string has one text form per encoding.
public enum Multibase {
    /// The longest text ``decode(_:)`` accepts, prefix included (base58 decoding is quadratic).
    public static let maxEncodedLength = 4096

    /// A supported multibase encoding; the raw value is its prefix character.
    public enum Encoding: Character, Sendable, Hashable, CaseIterable {
        /// Hexadecimal, lowercase.
        case base16 = "f"
        /// Hexadecimal, uppercase.
        case base16upper = "F"
        /// RFC 4648 base32, lowercase, no padding (the default for CIDs).
        case base32 = "b"
        /// RFC 4648 base32, uppercase, no padding.
        case base32upper = "B"
        /// RFC 4648 base32, lowercase, padded.
        case base32pad = "c"
        /// RFC 4648 base32, uppercase, padded.
        case base32padupper = "C"
        /// RFC 4648 base32 with the extended-hex alphabet, lowercase, no padding.
        case base32hex = "v"
        /// RFC 4648 base32hex, uppercase, no padding.
        case base32hexupper = "V"
        /// RFC 4648 base32hex, lowercase, padded.
        case base32hexpad = "t"
        /// RFC 4648 base32hex, uppercase, padded.
        case base32hexpadupper = "T"
        /// Base58 with the Bitcoin alphabet.
        case base58btc = "z"
        /// RFC 4648 base64, no padding.
        case base64 = "m"
        /// RFC 4648 base64, padded.
        case base64pad = "M"
        /// RFC 4648 base64url, no padding.
        case base64url = "u"
        /// RFC 4648 base64url, padded.
        case base64urlpad = "U"

        /// The name the multibase table uses (`base32`, `base58btc`, …).
        public var name: String { String(describing: self) }

        /// The prefix as an ASCII byte.
        var prefixByte: UInt8 { rawValue.asciiValue! }

        /// The RFC 4648 codec, or nil for base58btc.
        var codec: RFC4648? {
            switch self {
            case .base16: Codecs.base16
            case .base16upper: Codecs.base16upper
            case .base32: Codecs.base32
            case .base32upper: Codecs.base32upper
            case .base32pad: Codecs.base32pad
            case .base32padupper: Codecs.base32padupper
            case .base32hex: Codecs.base32hex
            case .base32hexupper: Codecs.base32hexupper
            case .base32hexpad: Codecs.base32hexpad
            case .base32hexpadupper: Codecs.base32hexpadupper
            case .base58btc: nil
            case .base64: Codecs.base64
            case .base64pad: Codecs.base64pad
            case .base64url: Codecs.base64url
            case .base64urlpad: Codecs.base64urlpad
            }
        }
    }

    /// Why text is not valid multibase.
    public enum DecodingError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The text is empty (no prefix).
        case empty
        /// The text is longer than ``Multibase/maxEncodedLength``.
        case tooLong
        /// The prefix character is not one of the supported ``Encoding``s.
        case unsupportedPrefix(Character)
        /// The character at this zero-based position (counted in UTF-8 bytes after the
        /// prefix) is not in the alphabet.
        case invalidCharacter(position: Int)
        /// The number of characters cannot be produced by this encoding.
        case invalidLength
        /// Padding is missing, misplaced or of the wrong length.
        case invalidPadding
        /// The last character carries bits that encoding would have left zero (non-canonical text).
        case nonZeroTrailingBits

        /// A sentence saying what is wrong.
        public var description: String {
            switch self {
            case .empty: "multibase text is empty"
            case .tooLong: "multibase text is longer than \(Multibase.maxEncodedLength) bytes"
            case .unsupportedPrefix(let prefix): "unsupported multibase prefix \"\(prefix)\""
            case .invalidCharacter(let position): "invalid character at position \(position) of multibase text"
            case .invalidLength: "multibase text has an impossible length for its encoding"
            case .invalidPadding: "multibase text has wrong padding"
            case .nonZeroTrailingBits: "multibase text is not canonical (non-zero trailing bits)"
            }
        }
    }

    /// Encodes bytes with a prefix naming the encoding.
    ///
    /// - Parameters:
    ///   - bytes: The bytes; may be empty (gives just the prefix).
    ///   - encoding: The encoding.
    /// - Returns: The prefix followed by the encoded text.
    public static func encode(_ bytes: some Collection<UInt8>, as encoding: Encoding) -> String {
        if let codec = encoding.codec {
            return String(encoding.rawValue) + String(decoding: codec.encode(bytes), as: UTF8.self)
        }
        return String(encoding.rawValue) + Base58.encode(bytes)
    }

    /// Decodes multibase text.
    ///
    /// - Parameter text: The prefix followed by the encoded bytes.
    /// - Returns: The encoding the prefix names, and the decoded bytes.
    /// - Throws: ``DecodingError``.
    public static func decode(_ text: String) throws(DecodingError) -> (encoding: Encoding, bytes: [UInt8]) {
        let utf8 = text.utf8
        guard let first = utf8.first else { throw .empty }
        guard utf8.count <= maxEncodedLength else { throw .tooLong }
        guard let encoding = Encoding(rawValue: text.first!) else {
            throw .unsupportedPrefix(text.first!)
        }
        assert(first == encoding.prefixByte)
        let body = utf8.dropFirst()
        if let codec = encoding.codec {
            return (encoding, try codec.decode(body))
        }
        do {
            return (encoding, try Base58.decode(String(text.dropFirst())))
        } catch {
            switch error {
            case .invalidCharacter(let position): throw .invalidCharacter(position: position)
            }
        }
    }
}

/// The codec instances, built once.
private enum Codecs {
    static let hexDigits = "0123456789abcdef"
    static let base32Digits = "abcdefghijklmnopqrstuvwxyz234567"
    static let base32HexDigits = "0123456789abcdefghijklmnopqrstuv"
    static let base64Digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    static let base64URLDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

    static let base16 = RFC4648(alphabet: hexDigits, caseInsensitive: true)
    static let base16upper = RFC4648(alphabet: hexDigits.uppercased(), caseInsensitive: true)
    static let base32 = RFC4648(alphabet: base32Digits, caseInsensitive: true)
    static let base32upper = RFC4648(alphabet: base32Digits.uppercased(), caseInsensitive: true)
    static let base32pad = RFC4648(alphabet: base32Digits, padded: true, caseInsensitive: true)
    static let base32padupper = RFC4648(alphabet: base32Digits.uppercased(), padded: true, caseInsensitive: true)
    static let base32hex = RFC4648(alphabet: base32HexDigits, caseInsensitive: true)
    static let base32hexupper = RFC4648(alphabet: base32HexDigits.uppercased(), caseInsensitive: true)
    static let base32hexpad = RFC4648(alphabet: base32HexDigits, padded: true, caseInsensitive: true)
    static let base32hexpadupper = RFC4648(
        alphabet: base32HexDigits.uppercased(), padded: true, caseInsensitive: true
    )
    static let base64 = RFC4648(alphabet: base64Digits)
    static let base64pad = RFC4648(alphabet: base64Digits, padded: true)
    static let base64url = RFC4648(alphabet: base64URLDigits)
    static let base64urlpad = RFC4648(alphabet: base64URLDigits, padded: true)
}
