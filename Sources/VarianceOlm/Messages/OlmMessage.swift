/// Either kind of Olm message, with its wire type (0 pre-key, 1 normal).
public enum OlmMessage: Sendable, Hashable {
    case preKey(PreKeyMessage)
    case normal(NormalMessage)

    /// 0 for a pre-key message, 1 for a normal one (as vodozemac's `to_parts`).
    public var messageType: Int {
        switch self {
        case .preKey: 0
        case .normal: 1
        }
    }

    /// The raw bytes (libolm sends their unpadded base64).
    public var bytes: [UInt8] {
        switch self {
        case .preKey(let m): m.bytes
        case .normal(let m): m.bytes
        }
    }

    /// Decodes a message from its wire type and raw bytes.
    public init(type: Int, bytes: [UInt8]) throws(OlmError) {
        switch type {
        case 0: self = .preKey(try PreKeyMessage(bytes: bytes))
        case 1: self = .normal(try NormalMessage(bytes: bytes))
        default: throw .malformed("message type")
        }
    }
}
