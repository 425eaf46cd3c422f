import FoundationEssentials
import LibP2PCore
import LibP2PKad
import Logging

/// The Kademlia DHT (`/ipfs/kad/1.0.0`) on a ``Swarm``: the I/O shell around one pure
/// ``KadNode``. It serves the protocol in server mode, learns DHT servers from identify and
/// from the answers of its lookups, runs lookups with α requests in flight on real streams,
/// and keeps its records and routing table fresh.
///
/// ```
///   swarm events ──observe──►┐                          ┌──► lookups: α streams, each
///   inbound /ipfs/kad ──────►│  actor Kademlia          │    bounded by the request timeout
///   public API ─────────────►│  (owns KadNode; no await ├──► PUT_VALUE / ADD_PROVIDER to
///   maintenance timer ──────►┘   inside a transition)   │    the k closest found
///                                                       └──► liveness pings (≤ 1 per bucket)
/// ```
///
/// Who feeds it peers: the owner forwards the swarm's events with ``observe(_:)`` (or hands
/// the event stream to ``start(following:)`` when nothing else reads it). A peer whose
/// identify lists `/ipfs/kad/1.0.0` goes into the routing table; one that stops listing it
/// leaves. Peers that answer our requests go in too.
///
/// Bounds: inbound streams (``KademliaConfiguration/maxInboundStreams``), requests per
/// stream, concurrent lookups (one more throws ``KademliaError/busy``), α requests per
/// lookup and k stores per put, one liveness check per bucket, and every table and store of
/// the core (see ``KadConfiguration``). After ``shutdown()`` every call throws
/// ``KademliaError/shutDown`` and inbound streams are reset.
public actor Kademlia {
    /// The protocol ID (py-libp2p, go and rust all speak this one).
    public static let protocolID = "/ipfs/kad/1.0.0"

    /// The swarm it runs on.
    public nonisolated let swarm: Swarm
    /// Settings and bounds.
    public nonisolated let configuration: KademliaConfiguration
    let logger: Logger
    /// The pure core: routing table, stores, republish schedule.
    var node: KadNode
    var started = false
    var closed = false
    var inboundStreams = 0
    /// The wake-up channel of each running lookup, so that shutdown can end them.
    var runningLookups: [Int: AsyncStream<LookupEvent>.Continuation] = [:]
    var nextLookupID = 0
    var lastRefresh: KadTimestamp?
    var maintenance: Task<Void, Never>?
    var following: Task<Void, Never>?

    /// A service on `swarm`. Nothing happens until ``start(following:)``.
    ///
    /// - Parameters:
    ///   - swarm: The swarm (listening already, for server mode, so that our addresses are known).
    ///   - configuration: Mode, validator, bounds.
    ///   - logger: Where to log; the swarm's logger by default.
    public init(swarm: Swarm, configuration: KademliaConfiguration = KademliaConfiguration(), logger: Logger? = nil) {
        self.swarm = swarm
        self.configuration = configuration
        self.logger = logger ?? swarm.logger
        node = KadNode(
            localPeer: swarm.localPeer, mode: configuration.mode, validator: configuration.validator,
            configuration: configuration.kad)
    }

    /// The local peer.
    public nonisolated var localPeer: PeerID { swarm.localPeer }

    /// Registers the stream handler (server mode) and starts the maintenance task
    /// (expiry, republishing, table refresh). Idempotent.
    ///
    /// - Parameter events: The swarm's event stream, when this service is its only reader;
    ///   otherwise leave it nil and forward events with ``observe(_:)``.
    public func start(following events: AsyncStream<SwarmEvent>? = nil) async {
        guard !started, !closed else { return }
        started = true
        let addresses = await swarm.listenAddresses
        node.localAddresses = addresses
        if configuration.mode == .server {
            await swarm.handle(Self.protocolID) { [weak self] stream in
                guard let self else {
                    await stream.reset()
                    return
                }
                await self.serve(stream)
            }
        }
        if let events {
            following = Task { [weak self] in
                for await event in events {
                    guard let self else { return }
                    await self.observe(event)
                }
            }
        }
        maintenance = Task { [weak self] in
            while !Task.isCancelled {
                guard let pause = await self?.maintenanceStep() else { return }
                try? await Task.sleep(for: pause)
            }
        }
    }

    /// Stops the maintenance task, ends running lookups with what they have, and resets
    /// inbound streams from now on. The swarm itself stays up (close it separately).
    public func shutdown() {
        guard !closed else { return }
        closed = true
        maintenance?.cancel()
        following?.cancel()
        for continuation in runningLookups.values { continuation.yield(.wake) }
    }

    // MARK: Peers

    /// Connects to each peer (at most ``KademliaConfiguration/bootstrapDialConcurrency`` at
    /// once), takes those that answer into the routing table as DHT servers, then looks up
    /// our own ID to fill the table.
    ///
    /// - Parameter peers: Known DHT servers and an address of each.
    /// - Returns: The number of peers in the routing table afterwards.
    /// - Throws: ``KademliaError/noPeers`` when none could be reached.
    @discardableResult
    public func bootstrap(peers: [(PeerID, Multiaddr)]) async throws(KademliaError) -> Int {
        guard !closed else { throw .shutDown }
        node.localAddresses = await swarm.listenAddresses
        let candidates = peers.map { KadPeer(id: $0.0, addresses: [$0.1.removingTrailingPeerID ?? $0.1]) }
        var start = 0
        while start < candidates.count {
            let batch = candidates[start..<min(candidates.count, start + max(1, configuration.bootstrapDialConcurrency))]
            start += batch.count
            let reached = await withTaskGroup(of: KadPeer?.self) { group in
                for peer in batch {
                    group.addTask { (try? await self.connect(to: peer)) != nil ? peer : nil }
                }
                var reached: [KadPeer] = []
                for await peer in group { if let peer { reached.append(peer) } }
                return reached
            }
            for peer in reached { seen(peer) }
        }
        _ = try await lookup(.findNode, key: localPeer.bytes)
        lastRefresh = Self.now()
        return node.routingTable.count
    }

    /// Takes a peer into the routing table as a DHT server without dialling it (a peer from
    /// configuration or from the engine's own records). Lookups dial it when they need it.
    public func addPeer(_ peer: PeerID, addresses: [Multiaddr]) {
        seen(KadPeer(id: peer, addresses: addresses.map { $0.removingTrailingPeerID ?? $0 }))
    }

    /// The number of peers in the routing table.
    public var routingTableCount: Int { node.routingTable.count }

    /// Whether a peer is in the routing table.
    public func isInRoutingTable(_ peer: PeerID) -> Bool { node.routingTable.entry(for: peer) != nil }

    /// The addresses of a peer: what identify or the routing table knows, else a FIND_NODE
    /// lookup of its ID that stops as soon as some peer names it with addresses.
    ///
    /// - Returns: Its addresses (without `/p2p`), or empty when nobody knows it.
    public func findPeer(_ peer: PeerID) async throws(KademliaError) -> [Multiaddr] {
        guard !closed else { throw .shutDown }
        if let info = await swarm.info(of: peer) {
            let addresses = Self.dialable(info.listenAddresses, of: peer)
            if !addresses.isEmpty { return addresses }
        }
        if let entry = node.routingTable.entry(for: peer), !entry.peer.addresses.isEmpty {
            return entry.peer.addresses
        }
        var found: [Multiaddr] = []
        let result = try await lookup(.findNode, key: peer.bytes) { response in
            guard let match = response.closerPeers.first(where: { $0.id == peer && !$0.addresses.isEmpty }) else {
                return false
            }
            found = Self.dialable(match.addresses, of: peer)
            return !found.isEmpty
        }
        if found.isEmpty, let match = result.closest.first(where: { $0.peer.id == peer }) {
            found = match.peer.addresses
        }
        return found
    }

    /// The k peers closest to `key` that answered a FIND_NODE lookup, nearest first.
    public func closestPeers(to key: [UInt8]) async throws(KademliaError) -> [KadPeer] {
        try await lookup(.findNode, key: key).closest.map(\.peer)
    }

    /// Looks up our own ID and a random key, to keep the table full and fresh. Runs every
    /// ``KademliaConfiguration/refreshInterval`` by itself.
    public func refresh() async throws(KademliaError) {
        lastRefresh = Self.now()
        _ = try await lookup(.findNode, key: localPeer.bytes)
        var random = SystemRandomNumberGenerator()
        _ = try await lookup(.findNode, key: (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) })
    }

    /// Our routing table as bytes, for the engine to persist.
    public func routingTableSnapshot() -> [UInt8] { node.routingTable.serialized() }

    /// Replaces the routing table with one from ``routingTableSnapshot()``.
    ///
    /// - Throws: ``KademliaError/refused(_:)`` with ``KadError/malformed`` for bytes that are
    ///   not a snapshot; the table is then unchanged.
    public func restoreRoutingTable(_ snapshot: [UInt8]) throws(KademliaError) {
        do {
            node.routingTable = try KadRoutingTable(
                localPeer: localPeer, k: configuration.kad.k, maxAddressesPerPeer: configuration.kad.maxAddressesPerPeer,
                snapshot: snapshot)
        } catch {
            throw .refused(error)
        }
    }

    // MARK: Time

    /// Now, in milliseconds since the Unix epoch (so persisted expiry times survive restarts).
    static func now() -> KadTimestamp {
        KadTimestamp(milliseconds: Int64((Date().timeIntervalSince1970 * 1000).rounded()))
    }
}
