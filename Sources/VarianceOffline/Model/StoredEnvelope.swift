/// One envelope as the relay's store holds it.
public struct StoredEnvelope: Sendable, Hashable {
    /// The position in deposit order (grows with every deposit, never reused): the cursor a
    /// fetch moves along.
    public var sequence: Int64
    /// The sender's id.
    public var id: EnvelopeID
    /// The opaque payload.
    public var payload: [UInt8]
    /// When it was deposited, Unix seconds (the relay's clock).
    public var depositedAt: Int64

    /// A stored envelope.
    public init(sequence: Int64, id: EnvelopeID, payload: [UInt8], depositedAt: Int64) {
        self.sequence = sequence
        self.id = id
        self.payload = payload
        self.depositedAt = depositedAt
    }
}
