import LibP2P
import LibP2PCore
import LibP2PNAT
import Logging

/// The libp2p node: started once the identity is ready, with the node key (not the
/// identity key), on the listen addresses of the command line and config.yaml.
extension Engine {
    /// Starts the swarm if the identity is ready and it is not running yet, and returns it
    /// once it listens. Concurrent callers share one start.
    @discardableResult
    func startNode() async -> Swarm? {
        if let nodeStart { return await nodeStart.value }
        guard let identity else { return nil }
        let addresses = configuration.listenAddresses
        let logger = self.logger
        let start = Task {
            let node = Swarm(identity: identity.nodeKey, configuration: SwarmConfiguration(), logger: logger)
            await self.registerMessagingProtocols(on: node)
            for text in addresses {
                do {
                    let bound = try await node.listen(on: try Multiaddr(text))
                    logger.info("Listening", metadata: ["address": "\(bound)"])
                } catch {
                    logger.error("Cannot listen", metadata: ["address": "\(text)", "error": "\(error)"])
                }
            }
            return node
        }
        nodeStart = start
        let node = await start.value
        if swarm == nil {
            swarm = node
            scheduleOutboxTimer()
            let dht = Kademlia(swarm: node, configuration: Self.dhtConfiguration(), logger: logger)
            self.dht = dht
            await dht.start()
            await restoreDHT(dht, node: node)
            // What relays kept for us comes first, so it lands before anything newer.
            let fetch = Task {
                await self.fetchOfflineMail(node: node)
                await self.markInitialFetchDone()
            }
            initialFetch = fetch
            Task {
                await fetch.value
                await self.reconnectContacts(node)
            }
            var reachability = AutoNATClientConfiguration()
            // Only our configured relays are asked, and we trust them: one answer decides.
            reachability.confirmations = 1
            reachability.bootDelay = .zero
            reachability.serverCooldown = .seconds(60)
            autonat = AutoNATService(swarm: node, clientConfiguration: reachability)
            var punching = HolePunchConfiguration()
            if configuration.holePunchPrivateAddresses { punching.addressPolicy = .includingPrivate }
            let holePunch = HolePunchService(swarm: node, configuration: punching, logger: logger) { [logger] peer, outcome in
                logger.info("Hole punch", metadata: ["peer": "\(peer)", "outcome": "\(outcome)"])
            }
            await holePunch.serve()
            self.holePunch = holePunch
            await startRelayKeepers(node)
            if configuration.mdns, let discovery = try? MDNSDiscovery(swarm: node, logger: logger, found: { [logger] peer in
                // A neighbour: connect, so identify, the DHT and contacts' delivery see it.
                for address in peer.addresses {
                    let full = address.peerID == nil ? (try? address.appending(.p2p(peer.peerID))) : address
                    guard let full, await !node.isConnected(to: peer.peerID) else { return }
                    if (try? await node.dial(full)) != nil {
                        logger.info("Found a peer on the local network", metadata: ["peer": "\(peer.peerID)"])
                        return
                    }
                }
            }) {
                if await discovery.start() { mdns = discovery }
            }
            startUsernameRenewal()
            let pubsub = PubSub(swarm: node, logger: logger)
            await pubsub.start()
            self.pubsub = pubsub
            startGroups()
            let events = node.events
            nodeEventsTask = Task { [weak self] in
                for await event in events {
                    await dht.observe(event)
                    await pubsub.observe(event)
                    switch event {
                    case .peerConnected(let peer):
                        await self?.nodeConnectivityChanged()
                        await self?.flushOutbox(to: peer)
                        Task { await self?.peerCameOnline(peer) }
                    case .peerDisconnected(let peer):
                        await self?.nodeConnectivityChanged()
                        await self?.relayDisconnected(peer, node: node)
                        await self?.peerWentOffline(peer)
                    case .peerIdentified(let peer):
                        await self?.rememberAddresses(of: peer, node: node)
                        // Identify runs on every new connection, also one that replaces a
                        // connection not yet seen closed (no peerConnected then): queues go now.
                        await self?.flushOutbox(to: peer)
                        await self?.publishRecordOnce(dht: dht)
                        Task { await self?.groupPeerConnected(peer) }
                        // A peer that reached us through a relay: try for a direct connection.
                        Task { await holePunch.upgradeIfRelayed(peer) }
                    default:
                        break
                    }
                }
            }
        }
        return node
    }

    static let routingTableKey = "dht/routing-table"

    func markInitialFetchDone() { initialFetchDone = true }

    /// The DHT's peer store: the routing table saved at the last close is restored, then the
    /// configured bootstrap peers (`p2p.bootstrap`) are dialled and a self-lookup fills the
    /// table (in the background).
    private func restoreDHT(_ dht: Kademlia, node: Swarm) async {
        if let saved = try? readyStore().value(forKey: Self.routingTableKey) {
            do { try await dht.restoreRoutingTable(saved) } catch {
                logger.info("The saved DHT routing table was not usable", metadata: ["error": "\(error)"])
            }
        }
        let peers = configuration.bootstrapPeers.compactMap { text -> (PeerID, Multiaddr)? in
            guard let address = try? Multiaddr(text), let peer = address.peerID else { return nil }
            return (peer, address)
        }
        guard !peers.isEmpty else { return }
        Task { [logger] in
            do { try await dht.bootstrap(peers: peers) } catch {
                logger.info("DHT bootstrap failed", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Saves the DHT routing table (at close), so the next start knows where to begin.
    func saveDHT() async {
        guard let dht, let store = try? readyStore() else { return }
        let snapshot = await dht.routingTableSnapshot()
        try? store.setValue(snapshot, forKey: Self.routingTableKey)
    }

    /// How many contacts are dialed at start, at most.
    static let reconnectLimit = 64

    /// Dials the stored addresses of each unblocked contact (at most ``reconnectLimit``), so
    /// that messages queued for us on their side flow as soon as we are back.
    private func reconnectContacts(_ node: Swarm) async {
        guard let store = try? readyStore(), let contacts = try? store.contacts() else { return }
        for contact in contacts.prefix(Self.reconnectLimit) where !contact.blocked {
            let addresses = storedAddresses(of: contact.did)
            guard !addresses.isEmpty, let record = try? knownRecord(contact.did) else { continue }
            if await dialAny(addresses, reaching: record.peerIDs, node: node) == nil {
                logger.debug("A contact is not reachable at start", metadata: ["did": "\(contact.did)"])
            }
        }
    }

    private func nodeConnectivityChanged() async {
        guard let status = try? await nodeStatus() else { return }
        try? emit(.nodeStatus(status))
    }

    private func runningNode() async throws(EngineError) -> Swarm {
        _ = try readyIdentity()
        guard let node = await startNode() else { throw EngineError.internalError("the node did not start") }
        return node
    }

    public func nodeStatus() async throws(EngineError) -> NodeStatus {
        let node = try await runningNode()
        let peers = await node.peers
        return NodeStatus(
            peerID: node.localPeer.description, listenAddresses: await node.listenAddresses.map(\.description),
            connectedPeers: peers.count, relayAddresses: await node.relayedAddresses.map(\.description),
            nat: Self.natWord(await autonat?.reachability), dhtEnabled: dht != nil, dhtPeers: await dht?.routingTableCount ?? 0)
    }

    static func natWord(_ reachability: NATReachability?) -> String {
        switch reachability {
        case .public: "public"
        case .private: "private"
        case .unknown, nil: "unknown"
        }
    }

    public func connect(to multiaddr: String) async throws(EngineError) -> String {
        let address: Multiaddr
        do { address = try Multiaddr(multiaddr) } catch {
            throw EngineError.invalid(field: "multiaddr", reason: "is not a valid multiaddr (\(error))")
        }
        let node = try await runningNode()
        do {
            return try await node.dial(address).description
        } catch {
            throw EngineError.unreachable("Cannot connect to \(multiaddr): \(error)")
        }
    }

    public func nodePeers() async throws(EngineError) -> [PeerSummary] {
        let node = try await runningNode()
        return await node.peers.map {
            PeerSummary(
                peerID: $0.peer.description, addresses: $0.addresses.map(\.description), protocols: $0.protocols,
                latencyMillis: $0.latency.map { Double($0.nanoseconds) / 1e6 })
        }
    }
}

/// The node as `node.status` shows it.
public struct NodeStatus: Sendable, Equatable {
    public var peerID: String
    public var listenAddresses: [String]
    public var connectedPeers: Int
    /// Our `…/p2p-circuit` addresses, one per relay reservation held.
    public var relayAddresses: [String]
    /// What AutoNAT found: `unknown`, `public` or `private`.
    public var nat: String
    public var dhtEnabled: Bool
    public var dhtPeers: Int
}

/// A connected peer as `node.peers` shows it.
public struct PeerSummary: Sendable, Equatable {
    public var peerID: String
    public var addresses: [String]
    public var protocols: [String]
    public var latencyMillis: Double?
}

