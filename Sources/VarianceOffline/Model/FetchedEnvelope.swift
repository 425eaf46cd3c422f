/// One envelope as a recipient receives it in a fetch batch. The recipient persists it
/// (deduplicating by ``id``) before the batch is acknowledged.
public struct FetchedEnvelope: Sendable, Hashable {
    /// The sender's id: the deduplication key.
    public var id: EnvelopeID
    /// The payload as deposited.
    public var payload: [UInt8]
    /// When the relay took it, Unix seconds by the relay's clock.
    public var depositedAt: UInt64

    /// A fetched envelope.
    public init(id: EnvelopeID, payload: [UInt8], depositedAt: UInt64) {
        self.id = id
        self.payload = payload
        self.depositedAt = depositedAt
    }
}
