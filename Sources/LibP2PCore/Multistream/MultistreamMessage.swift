/// One multistream-select 1.0 message: UTF-8 text ending in `\n`, framed with a uvarint
/// length that counts the newline (`na` is `03 6e 61 0a`).
public enum MultistreamMessage: Sendable, Hashable {
    /// `/multistream/1.0.0`, which both sides send first.
    case header
    /// `na`: the proposed protocol is not available.
    case notAvailable
    /// `ls`: a request for the listener's protocols.
    case list
    /// A protocol id: a proposal from the dialer, or the listener's echo accepting it.
    case protocolID(String)

    /// The text of the header message.
    public static let headerText = "/multistream/1.0.0"

    /// Reads a message from a payload (the bytes after the length prefix).
    ///
    /// - Parameter payload: Text ending in `\n`.
    /// - Throws: ``MultistreamError/missingNewline`` or ``MultistreamError/invalidMessage``
    ///   (empty, not UTF-8, or a newline before the end).
    public init(payload: [UInt8]) throws(MultistreamError) {
        guard payload.last == UInt8(ascii: "\n") else { throw .missingNewline }
        let body = payload.dropLast()
        guard !body.isEmpty, !body.contains(UInt8(ascii: "\n")),
              let text = String(validating: body, as: UTF8.self)
        else { throw .invalidMessage }
        switch text {
        case Self.headerText: self = .header
        case "na": self = .notAvailable
        case "ls": self = .list
        default: self = .protocolID(text)
        }
    }

    /// The message text without the newline.
    public var text: String {
        switch self {
        case .header: Self.headerText
        case .notAvailable: "na"
        case .list: "ls"
        case .protocolID(let id): id
        }
    }

    /// The framed message: length prefix, text, newline.
    public var encoded: [UInt8] {
        LengthPrefixed.encode(Array(text.utf8) + [UInt8(ascii: "\n")])
    }

    /// Whether `id` can be proposed or supported: it starts with `/`, has no newline, and
    /// its message fits `maxMessageLength`.
    static func isValidProtocolID(_ id: String, maxMessageLength: Int) -> Bool {
        id.hasPrefix("/") && !id.utf8.contains(UInt8(ascii: "\n")) && id.utf8.count + 1 <= maxMessageLength
            && id != headerText
    }
}
