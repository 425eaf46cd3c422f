/// Identifies one yamux stream within a session.
///
/// The client (dialer) opens odd-numbered streams and the server (listener) even-numbered
/// ones, so the two sides never collide. Id 0 stands for the session itself: Ping and GoAway
/// frames carry it.
public struct YamuxStreamID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible,
    ExpressibleByIntegerLiteral
{
    /// The 32-bit id as it appears on the wire.
    public var rawValue: UInt32

    /// Wraps a wire id.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Wraps a wire id.
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }

    /// Lets tests and call sites write `7` for stream 7.
    public init(integerLiteral value: UInt32) { self.rawValue = value }

    /// Id 0, reserved for frames about the whole session (Ping, GoAway).
    public static let session = YamuxStreamID(0)

    /// Whether a client opened this stream (odd ids); servers open even ids.
    public var isClientInitiated: Bool { rawValue & 1 == 1 }

    /// Orders ids numerically.
    public static func < (lhs: YamuxStreamID, rhs: YamuxStreamID) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The decimal id.
    public var description: String { String(rawValue) }
}
