/// What ``OfflineStore/deposit(_:now:)`` did with one envelope. Only `.stored` changed the
/// store; a refusal leaves no trace.
public enum DepositDecision: Sendable, Hashable {
    /// Stored now.
    case stored
    /// The mailbox already holds this id (the first payload stays): stored once.
    case duplicate
    /// The recipient's mailbox would exceed its envelope or byte quota.
    case overRecipientQuota
    /// The store would exceed its total byte quota.
    case overTotalQuota
    /// The payload is empty or over the store's ``OfflineLimits/maxPayloadBytes``.
    case invalidPayload
}
