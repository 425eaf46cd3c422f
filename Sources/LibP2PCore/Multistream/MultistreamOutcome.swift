/// What the I/O shell does after feeding received bytes to a ``MultistreamDialer`` or
/// ``MultistreamListener``. In every case it first writes `send` (possibly empty).
public enum MultistreamOutcome: Sendable, Hashable {
    /// Negotiation continues: write `send`, then wait for more input.
    case needMore(send: [UInt8])
    /// Both sides agreed on `protocol`. Write `send`, then hand the stream to that protocol
    /// and give it `remainder` first: bytes the peer sent after the last negotiation message
    /// (often the protocol's first bytes, in the same packet).
    case agreed(protocol: String, send: [UInt8], remainder: [UInt8])
    /// Negotiation ended without agreement (``MultistreamError/noProtocolAccepted(proposed:)``
    /// or ``MultistreamError/tooManyAttempts(limit:)``): write `send`, then close.
    case failed(MultistreamError, send: [UInt8])
}
