import LibP2PCore

/// One Kademlia node's state: its routing table, the records and provider records it holds
/// for others, and what it publishes itself. A value: the I/O shell owns it (inside an
/// actor), feeds it requests, responses, peer sightings and the time, and carries out what
/// it returns. Nothing here opens a stream or reads a clock.
///
/// Server mode answers requests (the shell registers `/ipfs/kad/1.0.0`); client mode only
/// runs lookups and refuses requests with ``KadError/clientMode`` (the shell should not even
/// register the protocol, so that identify tells others we are a client). Others add a
/// peer to their tables only when it is a server: see ``peerSeen(_:isServer:now:)``.
public struct KadNode: Sendable {
    /// Whether this node serves the DHT.
    public enum Mode: Sendable, Hashable {
        /// Answers requests and may be added to others' routing tables.
        case server
        /// Only asks; never in others' tables.
        case client
    }

    /// The local peer.
    public let localPeer: PeerID
    /// Server or client.
    public var mode: Mode
    /// Parameters and bounds.
    public let configuration: KadConfiguration
    /// Checks records put to us and records found by lookups.
    public let validator: any RecordValidator
    /// Our own addresses, announced in ADD_PROVIDER.
    public var localAddresses: [Multiaddr]
    /// The routing table.
    public var routingTable: KadRoutingTable
    /// Records held for others.
    public var records: KadRecordStore
    /// Provider records held for others.
    public var providers: KadProviderStore
    /// What we publish ourselves, and when.
    public var republishing: KadRepublishSchedule

    /// A node with empty tables and stores.
    ///
    /// - Parameters:
    ///   - localPeer: The local peer ID.
    ///   - mode: Server or client.
    ///   - validator: The record validator (by default `/pk/` only).
    ///   - localAddresses: Our addresses.
    ///   - configuration: Parameters and bounds.
    public init(
        localPeer: PeerID, mode: Mode = .server,
        validator: any RecordValidator = NamespacedRecordValidator(["pk": PublicKeyRecordValidator()]),
        localAddresses: [Multiaddr] = [], configuration: KadConfiguration = KadConfiguration()
    ) {
        self.localPeer = localPeer
        self.mode = mode
        self.validator = validator
        self.localAddresses = localAddresses
        self.configuration = configuration
        routingTable = KadRoutingTable(
            localPeer: localPeer, k: configuration.k, maxAddressesPerPeer: configuration.maxAddressesPerPeer
        )
        records = KadRecordStore(maxRecords: configuration.maxRecords, ttl: configuration.recordTTL)
        providers = KadProviderStore(
            maxKeys: configuration.maxProviderKeys, maxProvidersPerKey: configuration.maxProvidersPerKey,
            ttl: configuration.providerTTL
        )
        republishing = KadRepublishSchedule(
            recordInterval: configuration.recordRepublishInterval,
            providerInterval: configuration.providerRepublishInterval, maxRecords: configuration.maxRecords,
            maxProvidedKeys: configuration.maxProviderKeys
        )
    }

    /// This node as a ``KadPeer`` entry (for ADD_PROVIDER).
    public var localPeerEntry: KadPeer {
        KadPeer(id: localPeer, addresses: localAddresses, connection: .connected)
    }

    // MARK: Peers

    /// Tells the node a peer is alive: it connected, answered a request, or sent one.
    /// Servers go into the routing table; clients never do.
    ///
    /// - Parameters:
    ///   - peer: The peer and its addresses.
    ///   - isServer: Whether the peer serves `/ipfs/kad/1.0.0` (from identify, or because it
    ///     answered a Kademlia request).
    ///   - now: The current time.
    /// - Returns: The table's decision; on ``KadRoutingTable/InsertOutcome/checkLiveness(_:)``
    ///   the shell pings the peer named and calls ``livenessResult(of:alive:now:)``. Nil for a client.
    @discardableResult
    public mutating func peerSeen(_ peer: KadPeer, isServer: Bool, now: KadTimestamp) -> KadRoutingTable.InsertOutcome? {
        guard isServer else { return nil }
        return routingTable.insert(peer, now: now)
    }

    /// The result of a liveness check asked for by ``peerSeen(_:isServer:now:)``.
    public mutating func livenessResult(of peer: PeerID, alive: Bool, now: KadTimestamp) {
        routingTable.livenessResult(of: peer, alive: alive, now: now)
    }

    /// A peer failed to answer or cannot be dialled: it leaves the routing table.
    public mutating func peerUnreachable(_ peer: PeerID) {
        routingTable.remove(peer)
    }

    // MARK: Lookups

    /// A lookup seeded with the k closest peers of the routing table.
    ///
    /// - Parameters:
    ///   - kind: FIND_NODE, GET_VALUE or GET_PROVIDERS.
    ///   - key: The key.
    /// - Returns: The lookup to drive (see ``KadLookup``).
    public func lookup(_ kind: KadLookup.Kind, key: [UInt8]) -> KadLookup {
        let seeds = routingTable.closest(to: KadKey(hashing: key), count: configuration.k).map(\.peer)
        return KadLookup(
            kind: kind, key: key, seeds: seeds, localPeer: localPeer, validator: validator, configuration: configuration
        )
    }

    // MARK: Publishing

    /// Publishes a record of ours: stores it locally and schedules it for republishing. The
    /// shell then runs a FIND_NODE lookup for `record.key` and sends ``KadMessage/putValue(_:)``
    /// to the closest peers found.
    ///
    /// - Throws: ``KadError/invalidRecord`` or ``KadError/storeFull``.
    public mutating func publish(_ record: KadRecord, now: KadTimestamp) throws(KadError) {
        try records.put(record, validator: validator, now: now)
        try republishing.add(record: record, now: now)
    }

    /// Starts providing `key`: records ourselves as a provider and schedules announcements.
    /// The shell then runs a FIND_NODE lookup and sends
    /// ``KadMessage/addProvider(_:provider:)`` with ``localPeerEntry`` to the closest peers.
    ///
    /// - Throws: ``KadError/invalidKey`` or ``KadError/storeFull``.
    public mutating func provide(_ key: [UInt8], now: KadTimestamp) throws(KadError) {
        guard !key.isEmpty, key.count <= configuration.maxKeySize else { throw .invalidKey }
        try providers.add(key, provider: localPeerEntry, now: now)
        try republishing.add(providedKey: key, now: now)
    }

    /// Drops expired records and provider records.
    public mutating func removeExpired(now: KadTimestamp) {
        records.removeExpired(now: now)
        providers.removeExpired(now: now)
    }

    /// What is due to be published again at `now` (see ``KadRepublishSchedule``).
    public func dueRepublications(now: KadTimestamp) -> [KadRepublishSchedule.Task] {
        republishing.due(at: now)
    }
}
