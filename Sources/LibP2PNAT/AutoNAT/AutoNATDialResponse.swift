import LibP2PCore

/// A `DIAL_RESPONSE`: the verdict of one server.
///
/// Decoded responses have a known ``status``; an `OK` without an address, or with one that
/// does not parse, has a nil ``address`` (the specification only says a server SHOULD
/// include it).
public struct AutoNATDialResponse: Sendable, Hashable {
    /// The outcome.
    public var status: AutoNATResponseStatus
    /// A short human-readable reason (may be empty; at most
    /// ``AutoNATProtocol/maxStatusTextLength`` bytes on the wire).
    public var statusText: String
    /// The address the server reached the requester on (with `OK`).
    public var address: Multiaddr?

    /// A response.
    ///
    /// - Parameters:
    ///   - status: The outcome.
    ///   - statusText: A short reason.
    ///   - address: The address dialled successfully, for `OK`.
    public init(status: AutoNATResponseStatus, statusText: String = "", address: Multiaddr? = nil) {
        self.status = status
        self.statusText = statusText
        self.address = address
    }

    /// `OK` with the address that was reached.
    public static func ok(_ address: Multiaddr) -> AutoNATDialResponse {
        AutoNATDialResponse(status: .ok, address: address)
    }

    /// A refusal or error with its reason.
    public static func failure(_ status: AutoNATResponseStatus, _ text: String) -> AutoNATDialResponse {
        AutoNATDialResponse(status: status, statusText: text)
    }
}
