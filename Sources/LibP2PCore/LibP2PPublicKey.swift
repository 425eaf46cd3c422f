/// A libp2p public key as carried in peer IDs, Noise handshake payloads and identify
/// messages: the protobuf message `PublicKey { required KeyType Type = 1; required bytes Data = 2; }`
/// from the libp2p peer-ids specification.
///
/// Only Ed25519 keys are used by Variance, but every key type can be carried and hashed
/// into a ``PeerID``. ``protobuf`` is the deterministic encoding (field 1 then field 2,
/// minimal varints), which is what peer IDs are computed over.
public struct LibP2PPublicKey: Sendable, Hashable {
    /// The `KeyType` enum of the specification.
    public enum KeyType: UInt64, Sendable, Hashable {
        /// RSA, `Data` is a DER-encoded PKIX SubjectPublicKeyInfo.
        case rsa = 0
        /// Ed25519, `Data` is the raw 32-byte public key.
        case ed25519 = 1
        /// secp256k1, `Data` is the 33-byte compressed point.
        case secp256k1 = 2
        /// ECDSA, `Data` is a DER-encoded PKIX SubjectPublicKeyInfo.
        case ecdsa = 3
    }

    /// Why bytes are not a valid `PublicKey` message.
    public enum DecodingError: Error, Sendable, Equatable {
        /// The protobuf framing is broken (truncated, wrong wire type, repeated or missing field).
        case malformed
        /// `Type` is not one of the four key types of the specification.
        case unknownKeyType(UInt64)
        /// An Ed25519 key whose `Data` is not 32 bytes.
        case invalidKeyLength
    }

    /// The key type.
    public let type: KeyType
    /// The key bytes, in the encoding the key type prescribes.
    public let data: [UInt8]

    /// A key from its type and raw data (not validated).
    ///
    /// - Parameters:
    ///   - type: The key type.
    ///   - data: The key bytes.
    public init(type: KeyType, data: [UInt8]) {
        self.type = type
        self.data = data
    }

    /// An Ed25519 key.
    ///
    /// - Parameter ed25519: The raw 32-byte Ed25519 public key; other lengths are a
    ///   programming error and trap.
    public init(ed25519 key: [UInt8]) {
        precondition(key.count == 32, "an Ed25519 public key is 32 bytes")
        self.init(type: .ed25519, data: key)
    }

    /// Decodes a `PublicKey` protobuf message.
    ///
    /// Fields may come in any order; each must appear exactly once and unknown fields are
    /// refused, so the result re-encodes to a canonical ``protobuf``.
    ///
    /// - Parameter protobuf: The encoded message.
    /// - Throws: ``DecodingError``.
    public init(protobuf: some Collection<UInt8>) throws(DecodingError) {
        let bytes = Array(protobuf)
        var index = 0
        var type: UInt64?
        var data: [UInt8]?
        while index < bytes.count {
            let (tag, tagLength) = try Self.varint(bytes, at: index)
            index += tagLength
            switch tag {
            case 0x08:  // field 1, varint
                guard type == nil else { throw .malformed }
                let (value, length) = try Self.varint(bytes, at: index)
                index += length
                type = value
            case 0x12:  // field 2, length-delimited
                guard data == nil else { throw .malformed }
                let (count, length) = try Self.varint(bytes, at: index)
                index += length
                guard count <= UInt64(bytes.count - index) else { throw .malformed }
                data = Array(bytes[index..<index + Int(count)])
                index += Int(count)
            default:
                throw .malformed
            }
        }
        guard let type, let data else { throw .malformed }
        guard let keyType = KeyType(rawValue: type) else { throw .unknownKeyType(type) }
        if keyType == .ed25519 && data.count != 32 { throw .invalidKeyLength }
        self.init(type: keyType, data: data)
    }

    /// The deterministic protobuf encoding: `08 <type> 12 <len> <data>`.
    public var protobuf: [UInt8] {
        var bytes: [UInt8] = [0x08]
        Varint.encode(type.rawValue, into: &bytes)
        bytes.append(0x12)
        Varint.encode(UInt64(data.count), into: &bytes)
        bytes += data
        return bytes
    }

    private static func varint(_ bytes: [UInt8], at index: Int) throws(DecodingError) -> (UInt64, Int) {
        do {
            let (value, length) = try Varint.decode(bytes[index...])
            return (value, length)
        } catch {
            throw .malformed
        }
    }
}
