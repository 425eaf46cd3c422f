/// The parameters of a Kademlia node and the bounds on everything it stores.
///
/// Defaults follow the libp2p kad-dht specification (k = 20, α = 3, 256 buckets) and
/// go-libp2p-kad-dht for what the specification leaves open (records kept 36 h, provider
/// records 48 h; the specification text itself says 24 h for providers, so set
/// ``providerTTL`` to 24 h for strict conformance).
public struct KadConfiguration: Sendable, Hashable {
    /// The replication parameter: bucket size, peers per response, closest peers per lookup.
    public var k: Int = 20
    /// Requests in flight per lookup.
    public var alpha: Int = 3
    /// How long a lookup waits for one response before counting the peer as failed.
    public var requestTimeout: Duration = .seconds(10)
    /// How many valid records a GET_VALUE lookup collects before it stops (the spec's `Q`).
    public var valueQuorum: Int = 1
    /// How many providers a GET_PROVIDERS lookup collects before it stops.
    public var providerQuorum: Int = 20

    /// How long a stored record stays valid after it was received.
    public var recordTTL: Duration = .seconds(36 * 3600)
    /// How long a provider record stays valid after it was added.
    public var providerTTL: Duration = .seconds(48 * 3600)
    /// How often records this node originated are put again.
    public var recordRepublishInterval: Duration = .seconds(12 * 3600)
    /// How often keys this node provides are announced again.
    public var providerRepublishInterval: Duration = .seconds(22 * 3600)

    /// Wire bound: the longest encoded message accepted (the length prefix says so first).
    public var maxMessageSize: Int = 256 * 1024
    /// Wire bound: the longest DHT key accepted.
    public var maxKeySize: Int = 512
    /// Wire bound: the longest record value accepted.
    public var maxRecordValueSize: Int = 64 * 1024
    /// Wire bound: the most `closerPeers` or `providerPeers` in one message; more refuses it.
    public var maxPeersPerMessage: Int = 64
    /// Wire bound: the most addresses kept per peer (extra ones are dropped).
    public var maxAddressesPerPeer: Int = 16

    /// Store bound: records held (new keys are refused at the bound).
    public var maxRecords: Int = 4096
    /// Store bound: provider keys held (new keys are refused at the bound).
    public var maxProviderKeys: Int = 8192
    /// Store bound: providers kept per key (the one expiring first is replaced at the bound).
    public var maxProvidersPerKey: Int = 64

    /// The default configuration.
    public init() {}

    /// How many buckets the routing table has: one per bit of SHA-256.
    public static let bucketCount = 256
}
