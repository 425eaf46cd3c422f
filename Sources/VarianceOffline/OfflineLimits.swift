/// Every bound of the offline store and its protocol, with the defaults a relay uses.
///
/// What happens at each bound is in PROTOCOL-offline.md: a deposit over a quota is refused
/// with a typed status and a retry hint (never dropped silently); wire input over a bound is
/// answered `MALFORMED` or `TOO_LARGE`.
public struct OfflineLimits: Sendable, Equatable {
    /// One envelope's payload: 64 KiB (the dm protocol's envelope is at most 96 KiB, but
    /// texts are ≤ 16 KiB from the RPC, so a real Olm envelope is well under this).
    public var maxPayloadBytes = 64 * 1024
    /// One message on the stream (its length prefix not counted): 128 KiB.
    public var maxMessageBytes = 128 * 1024
    /// Envelopes kept for one recipient: 10,000.
    public var maxEnvelopesPerRecipient = 10_000
    /// Payload bytes kept for one recipient: 64 MiB.
    public var maxBytesPerRecipient = 64 * 1024 * 1024
    /// Payload bytes kept for everyone: 1 GiB.
    public var maxTotalBytes = 1024 * 1024 * 1024
    /// How long an envelope is kept after its deposit: 30 days, in seconds.
    public var maxAgeSeconds: Int64 = 30 * 24 * 60 * 60
    /// Envelopes in one fetch batch: 64.
    public var batchMaxEnvelopes = 64
    /// Payload bytes in one fetch batch: 96 KiB (a batch always holds at least one envelope).
    public var batchMaxBytes = 96 * 1024
    /// Deposits answered on one stream: 1,024; the relay closes the stream after that many.
    public var maxDepositsPerStream = 1_024
    /// Deposits a client writes before it reads their answers: 16.
    public var depositWindow = 16
    /// Retry hint for a full mailbox: 1 hour (the recipient has to come and fetch).
    public var recipientQuotaRetryAfterSeconds: UInt32 = 3_600
    /// Retry hint for a full relay: 10 minutes.
    public var totalQuotaRetryAfterSeconds: UInt32 = 600
    /// Retry hint when the relay could not store or read (disk full, I/O error): 1 minute.
    public var unavailableRetryAfterSeconds: UInt32 = 60

    /// The defaults.
    public init() {}

    /// The defaults.
    public static let `default` = OfflineLimits()

    /// Bytes a batch item adds to its payload on the wire (tags, lengths, id, timestamp),
    /// rounded up.
    static let itemOverheadBytes = 40
    /// Bytes a message adds around its body (version, tags, lengths), rounded up.
    static let messageOverheadBytes = 32

    /// Whether the bounds fit together: a full deposit and a full batch each fit in one
    /// message, and every count is positive.
    public var isConsistent: Bool {
        maxPayloadBytes > 0 && maxEnvelopesPerRecipient > 0 && maxBytesPerRecipient >= maxPayloadBytes
            && maxTotalBytes >= maxPayloadBytes && maxAgeSeconds > 0 && batchMaxEnvelopes > 0
            && maxDepositsPerStream > 0 && depositWindow > 0
            && batchMaxBytes >= maxPayloadBytes
            && maxPayloadBytes + OfflineProtocol.recipientKeyBytes + OfflineProtocol.envelopeIDBytes
                + Self.messageOverheadBytes <= maxMessageBytes
            && batchMaxBytes + batchMaxEnvelopes * Self.itemOverheadBytes + Self.messageOverheadBytes
                <= maxMessageBytes
    }
}
