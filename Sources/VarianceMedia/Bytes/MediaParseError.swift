/// Why untrusted media bytes (RTP, RTCP, payload descriptors, file headers) were refused.
/// Carries no payload bytes.
public struct MediaParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong, in a few words.
    public let reason: String

    init(_ reason: String) {
        self.reason = reason
    }

    /// A sentence for logs; carries no input bytes.
    public var description: String { "malformed media data: \(reason)" }

    /// The input ended before a field it announced.
    public static let truncated = MediaParseError("input ends before a field it announces")

    /// The version field is not the one this parser reads.
    public static func unsupportedVersion(_ version: Int) -> MediaParseError {
        MediaParseError("unsupported version \(version)")
    }

    /// A length, count or flag contradicts the rest of the input.
    public static func inconsistent(_ what: String) -> MediaParseError {
        MediaParseError(what)
    }
}
