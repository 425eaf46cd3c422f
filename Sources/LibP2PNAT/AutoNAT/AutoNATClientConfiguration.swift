/// Thresholds and timings of the AutoNAT client (the side that asks to be dialled back).
/// Timings follow go-libp2p's AutoNAT v1 (boot delay 15 s, retry 90 s, refresh 15 min); the
/// threshold follows the specification ("more than 3 peers").
public struct AutoNATClientConfiguration: Sendable, Hashable {
    /// Distinct servers that must agree, and outnumber those that disagree, before the verdict
    /// becomes public or private (or flips from one to the other). Default 4.
    public var confirmations: Int = 4
    /// The cap of ``AutoNATClient/confidence``. Default 3.
    public var maxConfidence: Int = 3
    /// How long one server's answer counts. Default 1 h (four refreshes).
    public var observationLifetime: Duration = .seconds(3600)
    /// Servers whose latest answer is remembered; the oldest is forgotten beyond. Default 16.
    public var maxServers: Int = 16
    /// The first probe, after start. Default 15 s.
    public var bootDelay: Duration = .seconds(15)
    /// The next probe while the verdict is unknown or not fully confident, or after a probe
    /// that gave no answer. Default 90 s.
    public var retryInterval: Duration = .seconds(90)
    /// The next probe once fully confident. Default 15 min.
    public var refreshInterval: Duration = .seconds(900)
    /// How long a probe may run before the next one is due anyway. Default 30 s.
    public var probeTimeout: Duration = .seconds(30)
    /// A server that answered is not asked again for this long. Default 10 min.
    public var serverCooldown: Duration = .seconds(600)

    /// The defaults.
    public init() {}
}
