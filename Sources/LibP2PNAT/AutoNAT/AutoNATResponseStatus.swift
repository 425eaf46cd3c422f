/// The specification's `ResponseStatus` of a `DialResponse`.
public enum AutoNATResponseStatus: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// At least one dial back succeeded: the requester is reachable on `addr`.
    case ok = 0
    /// Every dial back failed.
    case dialError = 100
    /// The server would not dial (no address based on the observed IP, rate limit, relayed
    /// connection, …).
    case dialRefused = 101
    /// The request was malformed or its peer ID was not the requester's.
    case badRequest = 200
    /// The server failed for its own reasons.
    case internalError = 300

    /// The name in the specification (`OK`, `E_DIAL_ERROR`, …).
    public var description: String {
        switch self {
        case .ok: "OK"
        case .dialError: "E_DIAL_ERROR"
        case .dialRefused: "E_DIAL_REFUSED"
        case .badRequest: "E_BAD_REQUEST"
        case .internalError: "E_INTERNAL_ERROR"
        }
    }
}
