/// A DHT record: a value under a key (the spec's `Record`; fields 3 and 4 were removed).
public struct KadRecord: Sendable, Hashable {
    /// The key.
    public var key: [UInt8]
    /// The value.
    public var value: [UInt8]
    /// When the receiver got it, RFC 3339 text set by the receiver; empty when unknown.
    public var timeReceived: String

    /// A record.
    ///
    /// - Parameters:
    ///   - key: The key.
    ///   - value: The value.
    ///   - timeReceived: RFC 3339 receive time, or empty.
    public init(key: [UInt8], value: [UInt8], timeReceived: String = "") {
        self.key = key
        self.value = value
        self.timeReceived = timeReceived
    }
}
