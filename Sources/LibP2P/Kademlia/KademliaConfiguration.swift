import LibP2PKad

/// Settings and bounds of a ``Kademlia`` service. The protocol parameters (k, α, the
/// per-request timeout, store bounds, expiry) are the pure core's ``KadConfiguration``; the
/// rest bounds what the shell runs at once and for how long. Every bound says what
/// happens when it is reached.
public struct KademliaConfiguration: Sendable {
    /// k, α, the per-request timeout, message and store bounds, expiry and republishing.
    public var kad = KadConfiguration()
    /// Server mode answers `/ipfs/kad/1.0.0` (and identify says so, so others add us to
    /// their tables); client mode only asks.
    public var mode: KadNode.Mode = .server
    /// Checks records put to us and records found by lookups. Keys of namespaces it does not
    /// know are refused (by default only `/pk/`).
    public var validator: any RecordValidator = NamespacedRecordValidator(["pk": PublicKeyRecordValidator()])

    /// Inbound `/ipfs/kad/1.0.0` streams served at once; one more is reset at once.
    public var maxInboundStreams = 32
    /// Requests answered on one inbound stream; one more resets the stream.
    public var maxRequestsPerStream = 256
    /// How long an inbound stream may stay silent between requests before it is reset.
    public var inboundIdleTimeout: Duration = .seconds(30)

    /// Lookups (and puts, provides, refreshes built on them) running at once; one more
    /// throws ``KademliaError/busy``.
    public var maxConcurrentLookups = 16
    /// The longest a whole lookup may run; then it ends with what it has.
    public var lookupTimeout: Duration = .seconds(60)
    /// Addresses tried, one after the other, when a peer to ask is not connected.
    public var maxDialAddresses = 4
    /// Peers dialled at once by ``Kademlia/bootstrap(peers:)``; the rest wait their turn.
    public var bootstrapDialConcurrency = 8

    /// How often the table is refreshed (a FIND_NODE of our own ID and of a random key).
    public var refreshInterval: Duration = .seconds(5 * 60)
    /// The longest the maintenance task sleeps between looks at expiry and republishing.
    public var maintenanceInterval: Duration = .seconds(60)

    /// The default configuration.
    public init() {}
}
