/// Bounds on a multistream-select negotiation, which runs before the peer is authenticated
/// (for security protocols) or for every new stream (for application protocols).
///
/// Exceeding one is an error (``MultistreamError``), except ``maxAttempts`` on the
/// listener, which answers the last refused proposal and then reports
/// ``MultistreamOutcome/failed(_:send:)``. Time is not bounded here: the I/O shell owns
/// the clock and should close negotiations that take too long.
public struct MultistreamLimits: Sendable, Hashable {
    /// The longest message accepted, newline included (default 1,024 bytes).
    public var maxMessageLength: Int
    /// How many proposals and `ls` requests a listener refuses or answers before giving up
    /// (default 16).
    public var maxAttempts: Int
    /// The most bytes of negotiation messages (prefixes included) accepted from the peer;
    /// application bytes after the agreement are not counted (default 8,192).
    public var maxNegotiationBytes: Int

    /// The defaults: 1 KiB messages, 16 attempts, 8 KiB in all.
    public static let `default` = MultistreamLimits()

    /// Limits with the given values.
    ///
    /// - Parameters:
    ///   - maxMessageLength: The longest message accepted, at least 20 (a header fits).
    ///   - maxAttempts: Refused proposals a listener tolerates, at least 1.
    ///   - maxNegotiationBytes: Negotiation bytes accepted from the peer.
    public init(maxMessageLength: Int = 1024, maxAttempts: Int = 16, maxNegotiationBytes: Int = 8192) {
        precondition(maxMessageLength >= 20, "maxMessageLength must fit the multistream header")
        precondition(maxAttempts >= 1, "maxAttempts must be at least 1")
        self.maxMessageLength = maxMessageLength
        self.maxAttempts = maxAttempts
        self.maxNegotiationBytes = maxNegotiationBytes
    }
}
