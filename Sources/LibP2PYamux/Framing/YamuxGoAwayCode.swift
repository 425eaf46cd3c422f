/// The error code a GoAway frame carries in its length field.
///
/// Codes other than the three the spec defines are passed on as they are.
public struct YamuxGoAwayCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The code as it appears on the wire.
    public var rawValue: UInt32

    /// Wraps a wire code.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// 0: normal termination.
    public static let normal = YamuxGoAwayCode(rawValue: 0)
    /// 1: the peer broke the protocol.
    public static let protocolError = YamuxGoAwayCode(rawValue: 1)
    /// 2: the sender failed internally.
    public static let internalError = YamuxGoAwayCode(rawValue: 2)

    /// A name for the known codes, the number otherwise.
    public var description: String {
        switch rawValue {
        case 0: "normal"
        case 1: "protocol error"
        case 2: "internal error"
        default: "code \(rawValue)"
        }
    }
}
