/// One envelope as a sender deposits it: for whom, under which id, and the opaque payload
/// (an encoded, Olm-encrypted dm `Envelope`; the relay never looks inside).
public struct OfflineEnvelope: Sendable, Hashable {
    /// The mailbox.
    public var recipient: RecipientKey
    /// The sender's id for it.
    public var id: EnvelopeID
    /// 1 byte to ``OfflineLimits/maxPayloadBytes``.
    public var payload: [UInt8]

    /// An envelope; ``check(_:)`` says whether a relay with these limits would take it.
    public init(recipient: RecipientKey, id: EnvelopeID, payload: [UInt8]) {
        self.recipient = recipient
        self.id = id
        self.payload = payload
    }

    /// The status a relay with `limits` gives this envelope before quotas: `.ok`,
    /// `.malformed` (empty payload) or `.tooLarge`.
    public func check(_ limits: OfflineLimits) -> OfflineStatus {
        if payload.isEmpty { return .malformed }
        if payload.count > limits.maxPayloadBytes { return .tooLarge }
        return .ok
    }
}
