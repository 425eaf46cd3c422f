/// A pre-key message (type 0): what a session sends until it has received a reply.
///
/// Wire format: version byte 3, protobuf fields 1 one-time key, 2 base key, 3 identity key,
/// 4 the encoded `NormalMessage`.
public struct PreKeyMessage: Sendable, Hashable {
    static let version: UInt8 = 3

    /// The recipient's one-time (or fallback) key the session was made with.
    public let oneTimeKey: Curve25519PublicKey
    /// The sender's ephemeral base key.
    public let baseKey: Curve25519PublicKey
    /// The sender's identity key.
    public let identityKey: Curve25519PublicKey
    /// The first message of the session.
    public let message: NormalMessage

    package init(keys: SessionKeys, message: NormalMessage) {
        self.oneTimeKey = keys.oneTimeKey
        self.baseKey = keys.baseKey
        self.identityKey = keys.identityKey
        self.message = message
    }

    /// The keys that identify the session this message opens.
    public var sessionKeys: SessionKeys {
        SessionKeys(identityKey: identityKey, baseKey: baseKey, oneTimeKey: oneTimeKey)
    }

    /// The bytes on the wire.
    public var bytes: [UInt8] {
        var out: [UInt8] = [Self.version]
        ProtobufLite.appendBytes(tag: 1, oneTimeKey.bytes, to: &out)
        ProtobufLite.appendBytes(tag: 2, baseKey.bytes, to: &out)
        ProtobufLite.appendBytes(tag: 3, identityKey.bytes, to: &out)
        ProtobufLite.appendBytes(tag: 4, message.bytes, to: &out)
        return out
    }

    /// Decodes the bytes on the wire.
    public init(bytes: [UInt8]) throws(OlmError) {
        guard let v = bytes.first else { throw .malformed("empty message") }
        guard v == Self.version else { throw .malformed("pre-key message version") }
        var otk: [UInt8]?, base: [UInt8]?, identity: [UInt8]?, inner: [UInt8]?
        for (tag, value) in try ProtobufLite.fields(bytes[1...]) {
            guard case .bytes(let b) = value else { continue }
            switch tag {
            case 1: otk = Array(b)
            case 2: base = Array(b)
            case 3: identity = Array(b)
            case 4: inner = Array(b)
            default: continue
            }
        }
        guard let otk, let base, let identity, let inner else { throw .malformed("missing pre-key field") }
        self.oneTimeKey = try Curve25519PublicKey(bytes: otk)
        self.baseKey = try Curve25519PublicKey(bytes: base)
        self.identityKey = try Curve25519PublicKey(bytes: identity)
        self.message = try NormalMessage(bytes: inner)
    }
}

/// The three public keys that identify an Olm session.
public struct SessionKeys: Sendable, Hashable {
    /// The identity key of the session's creator.
    public let identityKey: Curve25519PublicKey
    /// The creator's ephemeral base key.
    public let baseKey: Curve25519PublicKey
    /// The recipient's one-time key.
    public let oneTimeKey: Curve25519PublicKey

    public init(identityKey: Curve25519PublicKey, baseKey: Curve25519PublicKey, oneTimeKey: Curve25519PublicKey) {
        self.identityKey = identityKey
        self.baseKey = baseKey
        self.oneTimeKey = oneTimeKey
    }
}
