import DequeModule
import LibP2PCore
import LibP2PGossipSub
import Logging

/// GossipSub v1.1 (`/meshsub/1.1.0`, and `/meshsub/1.0.0` for older peers) on a ``Swarm``:
/// the I/O shell around one pure ``GossipSubRouter``. It keeps one long-lived outbound
/// stream per peer for the RPCs it sends, reads the peer's inbound stream, feeds the router
/// every RPC with the time, and carries out what the router returns.
///
/// ```
///   swarm events ──observe──►┐                          ┌──► per-peer send queue ──► one
///   inbound /meshsub RPCs ──►│  actor PubSub            │    writer task and outbound
///   subscribe / publish ────►│  (owns GossipSubRouter;  │    stream per peer (batched)
///   heartbeat timer ────────►┘   no await inside a      └──► subscriptions' AsyncStreams
///                                transition)                 (bounded)
/// ```
///
/// Who feeds it peers: a peer whose identify lists a `/meshsub/` protocol is attached (our
/// outbound stream is opened and the router hears of it), and so is a peer that opens a
/// pubsub stream to us; a disconnected peer is detached (it leaves every mesh). The owner
/// forwards the swarm's events with ``observe(_:)``, or hands the event stream to
/// ``start(following:)`` when nothing else reads it.
///
/// Messages: we publish signed (StrictSign: `from`, an 8-byte `seqno`, the signature over
/// "libp2p-pubsub:" and the message); the message ID is `from ‖ seqno`. Received messages
/// that fail the signature policy or the validator are dropped and counted
/// (``PubSubStatistics/invalidMessages``).
///
/// Bounds: frames of at most ``GossipSubConfiguration/maxMessageSize`` (1 MiB; a longer one
/// resets the stream), the router's queue of RPCs per peer and
/// ``PubSubConfiguration/maxQueuedBytesPerPeer`` (beyond, RPCs are dropped and counted),
/// ``PubSubConfiguration/maxPeers``, ``PubSubConfiguration/maxTopics``, subscriptions per
/// topic and each subscription's buffer (beyond, deliveries are dropped and counted), and
/// everything the router bounds (caches, topics per peer, control entries per RPC).
public actor PubSub {
    /// The protocols served and offered, in order of preference.
    public static let protocols: [GossipSubProtocol] = [.meshsubV11, .meshsubV10]

    /// The swarm it runs on.
    public nonisolated let swarm: Swarm
    /// Settings and bounds.
    public nonisolated let configuration: PubSubConfiguration
    let logger: Logger
    /// The pure router: mesh, fanout, caches, scores.
    var router: GossipSubRouter
    let clock = ContinuousClock()
    /// The router's time zero.
    let epoch: ContinuousClock.Instant
    /// Attached peers: send queue, writer, inbound stream.
    var links: [PeerID: PeerLink] = [:]
    var nextGeneration = 0
    /// Consecutive failed attempts to keep an outbound stream to a still connected peer.
    var reopenAttempts: [PeerID: Int] = [:]
    /// Local subscriptions per topic, by subscription number.
    var subscriptions: [String: [Int: AsyncStream<PubSubMessage>.Continuation]] = [:]
    var nextSubscriptionID = 0
    /// What the shell dropped or refused (the router's counters are added on reading).
    var counters = PubSubStatistics()
    var started = false
    var closed = false
    var heartbeatTask: Task<Void, Never>?
    var following: Task<Void, Never>?

    /// A service on `swarm`, signing with the swarm's key. Nothing happens until
    /// ``start(following:)``.
    ///
    /// - Parameters:
    ///   - swarm: The swarm.
    ///   - configuration: Router parameters, validator, bounds.
    ///   - logger: Where to log; the swarm's logger by default.
    public init(swarm: Swarm, configuration: PubSubConfiguration = PubSubConfiguration(), logger: Logger? = nil) {
        self.swarm = swarm
        var configuration = configuration
        configuration.gossipSub.deferredValidation = false
        self.configuration = configuration
        self.logger = logger ?? swarm.logger
        epoch = clock.now
        router = GossipSubRouter(
            identity: swarm.identity, configuration: configuration.gossipSub, validator: configuration.validator,
            seed: UInt64.random(in: 0...UInt64.max), now: .zero)
    }

    /// The local peer.
    public nonisolated var localPeer: PeerID { swarm.localPeer }

    /// Registers `/meshsub/1.1.0` and `/meshsub/1.0.0`, attaches the connected peers that
    /// speak them, and starts the heartbeat. Idempotent.
    ///
    /// - Parameter events: The swarm's event stream, when this service is its only reader;
    ///   otherwise leave it nil and forward events with ``observe(_:)``.
    public func start(following events: AsyncStream<SwarmEvent>? = nil) async {
        guard !started, !closed else { return }
        started = true
        for protocolID in Self.protocols {
            await swarm.handle(protocolID.rawValue) { [weak self] stream in
                guard let self else { return await stream.reset() }
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
        let interval = router.configuration.heartbeatInterval
        heartbeatTask = Task { [weak self] in
            while !Task.isCancelled {
                do { try await Task.sleep(for: interval) } catch { return }
                guard let self, await self.heartbeat() else { return }
            }
        }
        for peer in await swarm.peers where peer.protocols.contains(where: Self.isPubSub) {
            attach(peer.peer)
        }
    }

    /// Leaves every topic (the peers get the unsubscriptions and PRUNEs already queued),
    /// ends every subscription's stream, stops the heartbeat and detaches every peer. The
    /// swarm stays up; inbound pubsub streams are reset from now on.
    public func stop() {
        guard !closed else { return }
        for topic in subscriptions.keys.sorted() { leave(topic) }
        closed = true
        heartbeatTask?.cancel()
        following?.cancel()
        for peer in links.keys { drain(peer) }
    }

    // MARK: Topics

    /// Subscribes to `topic` (joining its mesh on the first subscription) and returns the
    /// messages of the topic that arrive from now on, our own excepted. The stream holds
    /// at most ``PubSubConfiguration/subscriptionBufferSize`` unread messages. Ending the
    /// stream (cancelling its reader, or dropping the stream unread) ends the subscription;
    /// the last one leaves the topic.
    ///
    /// - Throws: ``PubSubError/notRunning``, ``PubSubError/refused(_:)`` with
    ///   ``GossipSubError/invalidTopic`` (empty or too long), ``PubSubError/tooManyTopics(limit:)``,
    ///   ``PubSubError/tooManySubscribers(limit:)``.
    public func subscribe(_ topic: String) throws(PubSubError) -> AsyncStream<PubSubMessage> {
        guard started, !closed else { throw .notRunning }
        guard !topic.isEmpty, topic.utf8.count <= router.configuration.maxTopicLength else {
            throw .refused(.invalidTopic)
        }
        let current = subscriptions[topic] ?? [:]
        if current.isEmpty, subscriptions.count >= configuration.maxTopics {
            throw .tooManyTopics(limit: configuration.maxTopics)
        }
        guard current.count < configuration.maxSubscribersPerTopic else {
            throw .tooManySubscribers(limit: configuration.maxSubscribersPerTopic)
        }
        let (stream, continuation) = AsyncStream.makeStream(
            of: PubSubMessage.self, bufferingPolicy: .bufferingOldest(max(1, configuration.subscriptionBufferSize)))
        let id = nextSubscriptionID
        nextSubscriptionID += 1
        subscriptions[topic, default: [:]][id] = continuation
        continuation.onTermination = { [weak self] _ in
            Task { await self?.subscriptionEnded(topic: topic, id: id) }
        }
        if current.isEmpty { execute(router.subscribe(topic, now: now())) }
        return stream
    }

    /// Ends every subscription to `topic` and leaves it (its mesh peers get PRUNE).
    public func unsubscribe(_ topic: String) {
        guard !closed else { return }
        leave(topic)
    }

    /// Publishes `data` to `topic`, signed with the swarm's key, to the topic's peers
    /// (flood publishing: every peer in the topic above the publish threshold). Our own
    /// subscriptions do not get it. It returns once the RPCs are queued.
    ///
    /// - Returns: The message ID (`from ‖ seqno`).
    /// - Throws: ``PubSubError/notRunning``, ``PubSubError/refused(_:)`` for an invalid topic or
    ///   a message that does not fit in one RPC of ``GossipSubConfiguration/maxMessageSize``.
    @discardableResult
    public func publish(_ topic: String, _ data: [UInt8]) async throws(PubSubError) -> MessageID {
        guard started, !closed else { throw .notRunning }
        do {
            let (id, actions) = try router.publish(data, to: topic, now: now())
            execute(actions)
            return id
        } catch {
            throw .refused(error)
        }
    }

    /// Connected peers that announced `topic`.
    public func peers(_ topic: String) -> [PeerID] { sorted(router.peers(in: topic)) }

    /// Our mesh peers in `topic`.
    public func meshPeers(_ topic: String) -> [PeerID] { sorted(router.meshPeers(topic)) }

    /// The topics we joined.
    public var topics: [String] { router.subscriptions.sorted() }

    /// The peers attached (with a send queue), connected or being opened.
    public var attachedPeers: [PeerID] { sorted(Set(links.keys)) }

    /// What was dropped or refused so far.
    public var statistics: PubSubStatistics {
        var result = counters
        result.invalidMessages = router.invalidMessages
        result.droppedRPCs += router.droppedRPCs
        return result
    }

    // MARK: Internals

    /// Ends the local subscriptions of `topic` and leaves its mesh.
    func leave(_ topic: String) {
        guard let ended = subscriptions.removeValue(forKey: topic) else { return }
        for continuation in ended.values { continuation.finish() }
        execute(router.unsubscribe(topic, now: now()))
    }

    /// A subscription's stream ended: the last one of a topic leaves it.
    func subscriptionEnded(topic: String, id: Int) {
        guard subscriptions[topic]?.removeValue(forKey: id) != nil else { return }
        if subscriptions[topic]?.isEmpty == true {
            subscriptions[topic] = nil
            if !closed { execute(router.unsubscribe(topic, now: now())) }
        }
    }

    /// One heartbeat; false once stopped.
    func heartbeat() -> Bool {
        guard !closed else { return false }
        execute(router.heartbeat(now: now()))
        return true
    }

    /// Carries out the router's actions, in order.
    func execute(_ actions: [GossipSubAction]) {
        for action in actions {
            switch action {
            case .send(let peer, let rpc):
                enqueue(Varint.encode(UInt64(rpc.count)) + rpc, to: peer)
            case .deliver(let message, _, _):
                deliver(message)
            case .validate(let message, let id, _):
                // Not configured (deferred validation is switched off); answered at once.
                let verdict = configuration.validator?(message) ?? .accept
                execute(router.reportValidation(id, result: verdict, now: now()))
            case .peerExchange(let topic, let offered, let from):
                // No peer store to find their addresses in yet: noted, not dialled.
                logger.debug(
                    "Peer exchange offered", metadata: ["topic": "\(topic)", "peers": "\(offered.count)", "from": "\(from)"])
            }
        }
    }

    /// Hands a message to the topic's local subscriptions.
    func deliver(_ message: PubSubMessage) {
        guard let topic = message.topic, let targets = subscriptions[topic], !targets.isEmpty else { return }
        counters.deliveredMessages += 1
        for continuation in targets.values {
            if case .dropped = continuation.yield(message) { counters.droppedDeliveries += 1 }
        }
    }

    /// The router's clock: milliseconds since this service was made (monotonic).
    func now() -> GossipSubTime {
        let (seconds, attoseconds) = (clock.now - epoch).components
        return GossipSubTime(milliseconds: seconds * 1000 + attoseconds / 1_000_000_000_000_000)
    }

    static func isPubSub(_ protocolID: String) -> Bool {
        protocols.contains { $0.rawValue == protocolID }
    }

    private func sorted(_ peers: Set<PeerID>) -> [PeerID] { peers.sorted { $0.description < $1.description } }
}
