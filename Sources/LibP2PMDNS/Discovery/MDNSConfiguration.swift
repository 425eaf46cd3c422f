/// The settings and bounds of ``MDNSService``. Every bound says what happens when it is hit.
public struct MDNSConfiguration: Sendable, Hashable {
    /// The DNS-SD service name queried and answered (`_p2p._udp.local`).
    public var serviceName: DNSName
    /// TTL of the records we send, in seconds (the spec suggests about 120).
    public var recordTTL: UInt32
    /// Most of our addresses put in one response; the rest are left out.
    public var maxAdvertisedAddresses: Int
    /// Largest response we build, in bytes (at most 9000); addresses that do not fit are
    /// left out. The default keeps a response within one Ethernet frame.
    public var maxResponseSize: Int
    /// Most peers taken from one response; later PTR targets are ignored.
    public var maxPeersPerMessage: Int
    /// Most addresses kept per discovered peer; the rest are ignored.
    public var maxAddressesPerPeer: Int
    /// Most peers in the known-peer table; a new peer then replaces the entry that expires
    /// first.
    public var maxKnownPeers: Int
    /// Longest TTL believed from a response, in seconds; larger ones are cut to this.
    public var maxAcceptedTTL: UInt32
    /// Interval of the first queries, in milliseconds.
    public var initialQueryInterval: Int64
    /// How many queries use ``initialQueryInterval`` before ``queryInterval`` takes over.
    public var initialQueryCount: Int
    /// Interval of the later queries, in milliseconds.
    public var queryInterval: Int64
    /// Largest random delay added to each interval, in milliseconds (0 for none).
    public var maxQueryJitter: Int64

    /// The default settings: `_p2p._udp.local`, TTL 120 s, up to 16 addresses in a response
    /// of at most 1400 bytes, 16 peers per message, 256 known peers, TTLs up to an hour,
    /// 3 queries 10 s apart then one a minute, up to 1 s of jitter.
    public init(
        serviceName: DNSName = MDNSConfiguration.defaultServiceName, recordTTL: UInt32 = 120,
        maxAdvertisedAddresses: Int = 16, maxResponseSize: Int = 1400,
        maxPeersPerMessage: Int = 16, maxAddressesPerPeer: Int = 16,
        maxKnownPeers: Int = 256, maxAcceptedTTL: UInt32 = 3600, initialQueryInterval: Int64 = 10_000,
        initialQueryCount: Int = 3, queryInterval: Int64 = 60_000, maxQueryJitter: Int64 = 1000
    ) {
        self.serviceName = serviceName
        self.recordTTL = recordTTL
        self.maxAdvertisedAddresses = maxAdvertisedAddresses
        self.maxResponseSize = maxResponseSize
        self.maxPeersPerMessage = maxPeersPerMessage
        self.maxAddressesPerPeer = maxAddressesPerPeer
        self.maxKnownPeers = maxKnownPeers
        self.maxAcceptedTTL = maxAcceptedTTL
        self.initialQueryInterval = initialQueryInterval
        self.initialQueryCount = initialQueryCount
        self.queryInterval = queryInterval
        self.maxQueryJitter = maxQueryJitter
    }

    /// `_p2p._udp.local`.
    public static let defaultServiceName = DNSName(validated: [
        Array("_p2p".utf8), Array("_udp".utf8), Array("local".utf8),
    ])

    /// The TXT string prefix carrying an address.
    public static let dnsaddrPrefix = Array("dnsaddr=".utf8)
}
