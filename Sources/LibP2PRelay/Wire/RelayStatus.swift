/// The `Status` codes of Circuit Relay v2, in hop and stop replies.
public enum RelayStatus: UInt32, Sendable, Hashable, CustomStringConvertible {
    case ok = 100
    case reservationRefused = 200
    case resourceLimitExceeded = 201
    case permissionDenied = 202
    case connectionFailed = 203
    case noReservation = 204
    case malformedMessage = 400
    case unexpectedMessage = 401

    public var description: String {
        switch self {
        case .ok: "OK"
        case .reservationRefused: "reservation refused"
        case .resourceLimitExceeded: "resource limit exceeded"
        case .permissionDenied: "permission denied"
        case .connectionFailed: "connection failed"
        case .noReservation: "no reservation"
        case .malformedMessage: "malformed message"
        case .unexpectedMessage: "unexpected message"
        }
    }
}

/// Why relay bytes were refused.
public enum RelayWireError: Error, Sendable, Equatable {
    /// Over ``RelayWire/maxMessageSize``.
    case tooLarge(Int)
    /// Not the protobuf the protocol defines, or a required field is missing or invalid.
    case malformed(String)
}

/// The limits a relayed connection runs under (`Limit`); nil means unlimited.
public struct CircuitLimit: Sendable, Hashable {
    /// How long the relayed connection may last.
    public var duration: Duration?
    /// How many bytes it may carry, both directions together.
    public var data: UInt64?

    public init(duration: Duration? = nil, data: UInt64? = nil) {
        self.duration = duration
        self.data = data
    }
}
