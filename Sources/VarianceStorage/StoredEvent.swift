/// A notification kept for replay (`events.replay`).
public struct StoredEvent: Sendable, Equatable {
    /// Grows by one per event and survives restarts.
    public var seq: Int64
    /// The notification method, e.g. `message.received`.
    public var method: String
    /// The notification's params as opaque JSON bytes (stored encrypted).
    public var params: [UInt8]
    /// When it was appended, Unix milliseconds.
    public var createdAt: Int64

    /// Creates an event value.
    public init(seq: Int64, method: String, params: [UInt8], createdAt: Int64) {
        self.seq = seq
        self.method = method
        self.params = params
        self.createdAt = createdAt
    }
}
