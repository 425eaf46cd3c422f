/// What became of one envelope handed to ``OfflineClient/deposit(_:read:write:)``.
public enum DepositOutcome: Sendable, Hashable {
    /// The relay holds it (newly, or already under the same id). The outbox may drop it.
    case stored
    /// The relay (or the client's own check, for an envelope it would refuse) said no.
    /// Retry after `retryAfterSeconds` when ``OfflineStatus/isRetryable``; otherwise
    /// retrying the same envelope is pointless.
    case refused(OfflineStatus, retryAfterSeconds: UInt32)
    /// No answer came (the stream ended, failed, or the relay broke the protocol): it may
    /// or may not be stored. Retry; a repeated id is stored once.
    case unanswered
}
