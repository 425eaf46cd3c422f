/// An Olm message (type 1), and the inner message of a pre-key message.
///
/// Wire format: version byte 3, protobuf fields 1 ratchet key, 2 chain index, 4 ciphertext,
/// then the first 8 bytes of HMAC-SHA-256 over everything before it.
public struct NormalMessage: Sendable, Hashable {
    /// The only version on the wire (truncated MAC).
    public static let version: UInt8 = 3
    static let macLength = 8

    /// The sender's current ratchet key.
    public let ratchetKey: Curve25519PublicKey
    /// The index of the message in its chain.
    public let chainIndex: UInt64
    /// AES-256-CBC ciphertext.
    public let ciphertext: [UInt8]
    /// The truncated MAC.
    public let mac: [UInt8]

    package init(ratchetKey: Curve25519PublicKey, chainIndex: UInt64, ciphertext: [UInt8], mac: [UInt8]) {
        self.ratchetKey = ratchetKey
        self.chainIndex = chainIndex
        self.ciphertext = ciphertext
        self.mac = mac
    }

    /// The bytes the MAC covers, up to the ciphertext: version, fields 1 and 2, and the key
    /// and length of field 4; the MAC covers this header followed by the ciphertext.
    /// `reserving` more bytes of capacity for what follows.
    package static func macHeader(ratchetKey: Curve25519PublicKey, chainIndex: UInt64, ciphertextCount: Int, reserving extra: Int = 0) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(48 + extra)
        out.append(version)
        ProtobufLite.appendBytes(tag: 1, ratchetKey.bytes, to: &out)
        ProtobufLite.appendUInt(tag: 2, chainIndex, to: &out)
        ProtobufLite.appendVarint(4 << 3 | 2, to: &out)
        ProtobufLite.appendVarint(UInt64(ciphertextCount), to: &out)
        return out
    }

    /// This message's MAC header.
    package var macHeader: [UInt8] {
        Self.macHeader(ratchetKey: ratchetKey, chainIndex: chainIndex, ciphertextCount: ciphertext.count)
    }

    /// The bytes on the wire.
    public var bytes: [UInt8] {
        var out = Self.macHeader(ratchetKey: ratchetKey, chainIndex: chainIndex, ciphertextCount: ciphertext.count,
                                 reserving: ciphertext.count + mac.count)
        out += ciphertext
        out += mac
        return out
    }

    /// Decodes the bytes on the wire.
    public init(bytes: [UInt8]) throws(OlmError) {
        guard let v = bytes.first else { throw .malformed("empty message") }
        guard v == Self.version else { throw .malformed("message version") }
        guard bytes.count >= Self.macLength + 2 else { throw .malformed("message too short") }
        let body = bytes[1..<(bytes.count - Self.macLength)]
        var key: [UInt8]?
        var index: UInt64 = 0
        var ct: [UInt8] = []
        for (tag, value) in try ProtobufLite.fields(body) {
            switch (tag, value) {
            case (1, .bytes(let b)): key = Array(b)
            case (2, .varint(let n)): index = n
            case (4, .bytes(let b)): ct = Array(b)
            default: continue
            }
        }
        guard let key else { throw .malformed("missing ratchet key") }
        self.ratchetKey = try Curve25519PublicKey(bytes: key)
        self.chainIndex = index
        self.ciphertext = ct
        self.mac = Array(bytes.suffix(Self.macLength))
    }
}
