/// How full the store is.
public struct OfflineStats: Sendable, Hashable {
    /// Envelopes held (expired ones included until ``OfflineStore/expire(now:)`` runs).
    public var envelopes: Int
    /// Payload bytes held.
    public var bytes: Int
    /// Mailboxes holding at least one envelope.
    public var mailboxes: Int

    /// Figures as given.
    public init(envelopes: Int, bytes: Int, mailboxes: Int) {
        self.envelopes = envelopes
        self.bytes = bytes
        self.mailboxes = mailboxes
    }
}
