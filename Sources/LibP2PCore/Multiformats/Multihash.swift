import Crypto

/// A multihash: `<hash function code uvarint><digest length uvarint><digest>`, the
/// self-describing hash that peer IDs and CIDs are made of.
///
/// Any code can be carried and decoded; ``hash(_:with:truncatedTo:)`` computes the identity,
/// sha2-256 and sha2-512 functions. Decoding takes the whole input: bytes after the
/// digest are refused (use ``decodePrefix(_:)`` to read one from the front of a longer buffer).
public struct Multihash: Sendable, Hashable, CustomStringConvertible {
    /// A multihash function code from the multicodec table.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The multicodec code.
        public let rawValue: UInt64

        /// A code from its multicodec number.
        public init(rawValue: UInt64) { self.rawValue = rawValue }

        /// `identity` (0x00): the digest is the input itself.
        public static let identity = Code(rawValue: 0x00)
        /// `sha1` (0x11); decoded but never computed here.
        public static let sha1 = Code(rawValue: 0x11)
        /// `sha2-256` (0x12).
        public static let sha2_256 = Code(rawValue: 0x12)
        /// `sha2-512` (0x13).
        public static let sha2_512 = Code(rawValue: 0x13)
        /// `sha3-512` (0x14); decoded but never computed here.
        public static let sha3_512 = Code(rawValue: 0x14)

        /// The multicodec name for the codes above, else the code in hex.
        public var description: String {
            switch self {
            case .identity: "identity"
            case .sha1: "sha1"
            case .sha2_256: "sha2-256"
            case .sha2_512: "sha2-512"
            case .sha3_512: "sha3-512"
            default: "0x" + String(rawValue, radix: 16)
            }
        }
    }

    /// Why bytes are not a multihash.
    public enum DecodingError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The code or length varint is broken (not minimal, too long, or cut off).
        case invalidVarint
        /// The input ends before the declared digest length.
        case truncated(declaredLength: UInt64, available: Int)
        /// Bytes follow the digest.
        case trailingBytes(count: Int)

        /// A sentence saying what is wrong.
        public var description: String {
            switch self {
            case .invalidVarint: "multihash code or length is not a valid unsigned varint"
            case .truncated(let declared, let available):
                "multihash declares a \(declared)-byte digest but only \(available) bytes follow"
            case .trailingBytes(let count): "\(count) unexpected bytes after the multihash digest"
            }
        }
    }

    /// The hash function.
    public let code: Code
    /// The digest (possibly truncated).
    public let digest: [UInt8]

    /// A multihash from its parts.
    ///
    /// - Parameters:
    ///   - code: The hash function.
    ///   - digest: The digest.
    public init(code: Code, digest: [UInt8]) {
        self.code = code
        self.digest = digest
    }

    /// Decodes a multihash that fills `bytes` exactly.
    ///
    /// - Parameter bytes: The binary multihash.
    /// - Throws: ``DecodingError``.
    public init(bytes: some Collection<UInt8>) throws(DecodingError) {
        let (multihash, length) = try Self.decodePrefix(bytes)
        guard length == bytes.count else { throw .trailingBytes(count: bytes.count - length) }
        self = multihash
    }

    /// Decodes the multihash at the start of `bytes`.
    ///
    /// - Parameter bytes: Input that starts with a multihash.
    /// - Returns: The multihash and how many bytes it took.
    /// - Throws: ``DecodingError``, never `trailingBytes`.
    public static func decodePrefix(
        _ bytes: some Collection<UInt8>
    ) throws(DecodingError) -> (multihash: Multihash, length: Int) {
        let input = Array(bytes)
        let code: UInt64
        let codeLength: Int
        let declared: UInt64
        let lengthLength: Int
        do {
            (code, codeLength) = try Varint.decode(input)
            (declared, lengthLength) = try Varint.decode(input[codeLength...])
        } catch {
            throw .invalidVarint
        }
        let start = codeLength + lengthLength
        let available = input.count - start
        guard declared <= UInt64(available) else { throw .truncated(declaredLength: declared, available: available) }
        let digest = Array(input[start..<start + Int(declared)])
        return (Multihash(code: Code(rawValue: code), digest: digest), start + Int(declared))
    }

    /// The binary form.
    public var bytes: [UInt8] {
        var output = Varint.encode(code.rawValue)
        Varint.encode(UInt64(digest.count), into: &output)
        return output + digest
    }

    /// Hashes `data` into a multihash.
    ///
    /// - Parameters:
    ///   - data: The input.
    ///   - code: ``Code/identity``, ``Code/sha2_256`` or ``Code/sha2_512``.
    ///   - length: Keep only the first `length` bytes of the digest (the multihash
    ///     "truncated" form); nil keeps all of it. Ignored for identity.
    /// - Returns: The multihash, or nil for a code not computed here or a `length` that is
    ///   negative or longer than the digest.
    public static func hash(_ data: [UInt8], with code: Code, truncatedTo length: Int? = nil) -> Multihash? {
        let full: [UInt8]
        switch code {
        case .identity: return Multihash(code: code, digest: data)
        case .sha2_256: full = Array(SHA256.hash(data: data))
        case .sha2_512: full = Array(SHA512.hash(data: data))
        default: return nil
        }
        let keep = length ?? full.count
        guard (0...full.count).contains(keep) else { return nil }
        return Multihash(code: code, digest: Array(full.prefix(keep)))
    }

    /// `<code name>:<digest hex>`, e.g. `sha2-256:9cbc07c3…`.
    public var description: String {
        let hex = digest.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        return "\(code):\(hex)"
    }
}
