/// Limits and defaults of the AutoNAT server (the side that dials back). Defaults follow
/// go-libp2p's AutoNAT v1 service.
public struct AutoNATServerConfiguration: Sendable, Hashable {
    /// Which IP scopes may be dialled back. The observed IP of the requester must be of an
    /// allowed scope too. Default: public only; tests on loopback use
    /// ``NATAddressPolicy/includingLoopback``.
    public var addressPolicy: NATAddressPolicy = .publicOnly
    /// The transports dialled back (addresses of other shapes are skipped). Default: TCP and
    /// QUIC v1.
    public var transports: Set<NATTransport> = [.tcp, .quicV1]
    /// The most addresses dialled back for one request (the first ones that qualify, in the
    /// order sent). Default 16.
    public var maxDialAddresses: Int = 16
    /// How long the shell may spend dialling back before it answers `E_DIAL_ERROR`. Default 15 s.
    public var dialTimeout: Duration = .seconds(15)
    /// The window of the rate limits. Default 60 s.
    public var rateLimitWindow: Duration = .seconds(60)
    /// Dial-backs per requesting peer per window. Default 3.
    public var maxRequestsPerPeer: Int = 3
    /// Dial-backs for all peers per window (this also bounds the rate limiter's memory).
    /// Default 30.
    public var maxRequestsGlobal: Int = 30

    /// The defaults.
    public init() {}
}
