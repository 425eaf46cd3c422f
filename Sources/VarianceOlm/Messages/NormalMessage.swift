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

    /// The bytes the MAC covers.
    package static func macInput(ratchetKey: Curve25519PublicKey, chainIndex: UInt64, ciphertext: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [version]
        out.reserveCapacity(ciphertext.count + 48)
        ProtobufLite.appendBytes(tag: 1, ratchetKey.bytes, to: &out)
        ProtobufLite.appendUInt(tag: 2, chainIndex, to: &out)
        ProtobufLite.appendBytes(tag: 4, ciphertext, to: &out)
        return out
    }

    package var macInput: [UInt8] {
        Self.macInput(ratchetKey: ratchetKey, chainIndex: chainIndex, ciphertext: ciphertext)
    }

    /// The bytes on the wire.
    public var bytes: [UInt8] { macInput + mac }

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
