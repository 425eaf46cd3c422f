/// Why a DNS message was refused by the decoder or could not be encoded. Small and free of
/// message contents, so it can be logged.
public enum DNSError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The message is over ``DNSLimits/maxMessageSize``.
    case messageTooLarge(size: Int, limit: Int)
    /// The bytes end before a field, a name or a record's data does.
    case truncated
    /// A section count is over ``DNSLimits/maxRecordsPerSection``.
    case tooManyRecords(count: Int, limit: Int)
    /// A label over 63 bytes, a reserved label type (`0x40`, `0x80`), or an empty label where
    /// a name is built from text.
    case invalidLabel
    /// A name over 255 bytes in wire form.
    case nameTooLong
    /// A compression pointer that points forward, at itself, out of the message, or a chain
    /// of more than ``DNSLimits/maxPointerJumps`` pointers.
    case invalidPointer
    /// A record's data does not have the layout its type needs (an `A` that is not 4 bytes,
    /// a name that does not end at the end of the data, …).
    case invalidRecordData(type: UInt16)
    /// A TXT string over 255 bytes or record data over 65535 bytes (encoding only).
    case fieldTooLong

    /// A sentence saying what is wrong.
    public var description: String {
        switch self {
        case .messageTooLarge(let size, let limit): "a DNS message of \(size) bytes is over the \(limit)-byte limit"
        case .truncated: "the DNS message ends inside a field"
        case .tooManyRecords(let count, let limit): "a DNS section has \(count) entries, over the limit of \(limit)"
        case .invalidLabel: "a DNS label is empty, over 63 bytes or of a reserved type"
        case .nameTooLong: "a DNS name is over 255 bytes"
        case .invalidPointer: "a DNS compression pointer is out of range or loops"
        case .invalidRecordData(let type): "the data of a DNS record of type \(type) is malformed"
        case .fieldTooLong: "a TXT string or record data is too long to encode"
        }
    }
}

/// The decoder's bounds. A message that breaks one is refused whole with a ``DNSError``.
public enum DNSLimits {
    /// Largest message accepted, in bytes (RFC 6762 §17: a multicast DNS packet, including
    /// IP and UDP headers, must not exceed 9000 bytes).
    public static let maxMessageSize = 9000
    /// Most entries in any one section (questions, answers, authority, additional).
    public static let maxRecordsPerSection = 64
    /// Most compression pointers followed while reading one name.
    public static let maxPointerJumps = 16
    /// Longest name in wire form, including length bytes and the final zero (RFC 1035 §2.3.4).
    public static let maxNameLength = 255
    /// Longest label (RFC 1035 §2.3.4).
    public static let maxLabelLength = 63
    /// Longest character-string in a TXT record.
    public static let maxTXTStringLength = 255
}
