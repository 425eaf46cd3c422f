/// The flags field of a yamux frame header (spec: "Flag Field").
///
/// SYN, ACK, FIN and RST may ride on Data frames and on WindowUpdate frames alike; on Ping
/// frames SYN marks a request and ACK its reply. Bits the spec does not define are kept
/// as they are and ignored.
public struct YamuxFlags: OptionSet, Hashable, Sendable {
    /// The 16 bits as they appear on the wire.
    public var rawValue: UInt16

    /// Wraps wire bits.
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// Opens a stream; on a Ping, asks for a reply.
    public static let syn = YamuxFlags(rawValue: 0x1)
    /// Accepts a stream; on a Ping, marks the reply.
    public static let ack = YamuxFlags(rawValue: 0x2)
    /// Half-closes a stream: the sender will send no more data.
    public static let fin = YamuxFlags(rawValue: 0x4)
    /// Resets (aborts) a stream at once, or refuses a SYN.
    public static let rst = YamuxFlags(rawValue: 0x8)
}
