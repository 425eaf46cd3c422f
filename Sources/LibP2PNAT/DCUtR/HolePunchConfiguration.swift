/// Timings and limits of the two DCUtR roles. Defaults follow go-libp2p and py-libp2p
/// (5 s per round of dials, 3 attempts).
public struct HolePunchConfiguration: Sendable, Hashable {
    /// Rounds of CONNECT/SYNC/dials the initiator makes before giving up. Default 3 (the
    /// specification: "retry twice").
    public var maxAttempts: Int = HolePunchProtocol.maxAttempts
    /// How long to wait for a `CONNECT` (the initiator for the answer, the responder for the
    /// first message on a new stream). The measured RTT is below it. Default 10 s.
    public var connectTimeout: Duration = .seconds(10)
    /// How long the responder waits for `SYNC` after answering `CONNECT`. Default 10 s.
    public var syncTimeout: Duration = .seconds(10)
    /// How long one round of hole-punch dials may take before it counts as failed. Default 5 s.
    public var dialTimeout: Duration = .seconds(5)
    /// How long the initiator's unilateral dial (before any DCUtR round) may take. Default 5 s.
    public var unilateralDialTimeout: Duration = .seconds(5)
    /// A pause between a failed round and the next one. Default none (as go-libp2p).
    public var retryDelay: Duration = .zero
    /// Which of the peer's addresses are dialled (and whether a unilateral dial is worth it).
    /// Default public only; namespace tests use ``NATAddressPolicy/includingPrivate``.
    public var addressPolicy: NATAddressPolicy = .publicOnly
    /// Whether the initiator first dials the peer's own public addresses directly (the
    /// specification's unilateral upgrade). Default true.
    public var tryUnilateralUpgrade: Bool = true

    /// The defaults.
    public init() {}
}
