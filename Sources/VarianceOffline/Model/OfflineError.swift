/// Errors of the offline protocol core. Small values: never key material or payload bytes.
public enum OfflineError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Bytes from the peer did not decode or a field has the wrong shape (named by the
    /// string), or a message came out of turn.
    case malformed(String)
    /// An input exceeds one of ``OfflineLimits`` (named by the string).
    case tooLarge(String)
    /// A `version` this code does not know.
    case unsupportedVersion(UInt32)
    /// The relay refused the stream with this status (for example `.authFailed`).
    case refused(OfflineStatus)
    /// The stream ended before the exchange was complete.
    case streamEnded

    /// A short, log-safe description.
    public var description: String {
        switch self {
        case .malformed(let what): "offline: malformed \(what)"
        case .tooLarge(let what): "offline: \(what) is over its limit"
        case .unsupportedVersion(let v): "offline: unsupported version \(v)"
        case .refused(let status): "offline: the relay refused the request (\(status))"
        case .streamEnded: "offline: the stream ended early"
        }
    }
}
