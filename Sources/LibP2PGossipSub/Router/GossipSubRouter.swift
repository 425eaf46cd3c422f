import Crypto
import LibP2PCore

/// One node's GossipSub v1.1 router (gossipsub-v1.0.md and v1.1.md), with FloodSub peers
/// served for compatibility. A value: the I/O shell owns it (inside an actor), feeds it
/// events and the time, and carries out the ``GossipSubAction``s it returns. It never opens
/// a stream, reads a clock or draws system randomness.
///
/// ```
///  shell event                       router                        actions
///  ───────────                       ──────                        ───────
///  addPeer(protocol:outbound:)  ──▶  hello with our topics     ──▶ send
///  receive(bytes, from:)        ──▶  subscriptions, messages   ──▶ send, deliver,
///                                    (seen → signature → score      peerExchange
///                                    → validator → mcache →
///                                    forward), GRAFT/PRUNE,
///                                    IHAVE → IWANT → messages
///  publish / subscribe / unsub  ──▶  flood publish or fanout,  ──▶ send
///                                    JOIN (GRAFT) / LEAVE (PRUNE)
///  heartbeat(now:) every 1 s    ──▶  decay, backoff expiry,    ──▶ send
///                                    mesh & fanout maintenance,
///                                    IHAVE gossip, mcache shift
///  sendCompleted(to:)           ──▶  frees a queue slot
///  removePeer                   ──▶  forgets the peer (score retained)
/// ```
public struct GossipSubRouter: Sendable {
    /// What the router knows about one connected peer.
    struct PeerState: Sendable {
        var protocolID: GossipSubProtocol
        var outbound: Bool
        var topics: Set<String> = []
        /// RPCs handed to the shell and not yet reported written.
        var queued = 0
        /// IHAVE messages taken this heartbeat.
        var ihaveReceived = 0
        /// Message IDs asked for with IWANT this heartbeat.
        var iwantSent = 0
        /// Message IDs answered this heartbeat.
        var iwantAnswered = 0
    }

    /// A message awaiting the application's verdict.
    struct PendingValidation: Sendable {
        var message: PubSubMessage
        var topic: String
        var source: PeerID
    }

    /// The local peer.
    public let localPeer: PeerID
    /// Parameters and bounds.
    public let configuration: GossipSubConfiguration
    let identity: Curve25519.Signing.PrivateKey
    let validator: MessageValidator?
    let messageIDFunction: MessageIDFunction

    var peers: [PeerID: PeerState] = [:]
    /// Connected peers per topic they subscribe to.
    var topicPeers: [String: Set<PeerID>] = [:]
    /// Topics we joined, and our mesh peers in each.
    var mesh: [String: Set<PeerID>] = [:]
    /// Topics we publish to without joining, and the peers we send to.
    var fanout: [String: Set<PeerID>] = [:]
    var fanoutLastPublished: [String: GossipSubTime] = [:]
    /// Until when we do not graft a peer in a topic.
    var backoff: [String: [PeerID: GossipSubTime]] = [:]
    /// IWANTs we sent: one ID per IHAVE, with the peer and the deadline (v1.1 promises).
    var promises: [MessageID: (peer: PeerID, deadline: GossipSubTime)] = [:]
    /// Messages handed to the application for deferred validation.
    var pendingValidations: [MessageID: PendingValidation] = [:]
    var messageCache: MessageCache
    var seen: SeenCache
    var scores: PeerScore
    var random: GossipSubRandom
    var nextSeqno: UInt64
    var lastDecay: GossipSubTime
    /// Heartbeats run so far.
    var heartbeatTicks = 0
    var outbox = Outbox()
    var actions: [GossipSubAction] = []
    /// RPCs dropped because a peer's queue was full (for diagnostics).
    public private(set) var droppedRPCs = 0
    /// Received messages dropped because they failed the signature policy or the
    /// validator rejected them (for diagnostics).
    public internal(set) var invalidMessages = 0

    /// A router with no peers and no topics.
    ///
    /// - Parameters:
    ///   - identity: Our Ed25519 key; the local peer ID is derived from it, and under
    ///     StrictSign our messages are signed with it.
    ///   - configuration: Parameters and bounds (used ``GossipSubConfiguration/normalized``).
    ///   - validator: The application's validator (nil accepts every message that passes
    ///     the signature policy).
    ///   - seed: Seeds the router's random choices (the shell draws it from the system).
    ///   - now: The current time.
    public init(
        identity: Curve25519.Signing.PrivateKey, configuration: GossipSubConfiguration = GossipSubConfiguration(),
        validator: MessageValidator? = nil, seed: UInt64, now: GossipSubTime
    ) {
        self.identity = identity
        localPeer = PeerID(ed25519PublicKey: Array(identity.publicKey.rawRepresentation))
        let configuration = configuration.normalized
        self.configuration = configuration
        self.validator = validator
        messageIDFunction = configuration.effectiveMessageID
        messageCache = MessageCache(historyLength: configuration.historyLength, historyGossip: configuration.historyGossip)
        seen = SeenCache(ttl: configuration.seenTTL, capacity: configuration.maxSeenMessages)
        scores = PeerScore(parameters: configuration.score, deliveryRecordTTL: configuration.seenTTL)
        random = GossipSubRandom(seed: seed)
        // go-libp2p starts at the Unix time in nanoseconds; a random start serves the same
        // purpose (no reuse after a restart) without a clock.
        nextSeqno = random.next() >> 1
        lastDecay = now
    }

    // MARK: Inspection

    /// The topics we joined.
    public var subscriptions: Set<String> { Set(mesh.keys) }
    /// Our mesh peers in `topic`.
    public func meshPeers(_ topic: String) -> Set<PeerID> { mesh[topic] ?? [] }
    /// Our fanout peers in `topic`.
    public func fanoutPeers(_ topic: String) -> Set<PeerID> { fanout[topic] ?? [] }
    /// Connected peers that announced `topic`.
    public func peers(in topic: String) -> Set<PeerID> { topicPeers[topic] ?? [] }
    /// Connected peers.
    public var connectedPeers: Set<PeerID> { Set(peers.keys) }
    /// The score of `peer` (0 for an unknown peer).
    public func score(of peer: PeerID, now: GossipSubTime) -> Double { scores.score(of: peer, now: now) }
    /// Whether `peer` is graylisted: its RPCs are ignored.
    public func isGraylisted(_ peer: PeerID, now: GossipSubTime) -> Bool {
        !configuration.directPeers.contains(peer) && scores.score(of: peer, now: now) < configuration.score.graylistThreshold
    }
    /// Whether we back off from grafting `peer` in `topic` at `now`.
    public func isBackedOff(_ peer: PeerID, topic: String, now: GossipSubTime) -> Bool {
        guard let until = backoff[topic]?[peer] else { return false }
        return now < until + configuration.heartbeatInterval
    }
    /// The ID `message` has under the configured function.
    public func messageID(of message: PubSubMessage) -> MessageID { messageIDFunction.id(of: message) }

    // MARK: Peers

    /// A peer opened (or accepted) a pubsub stream with `protocolID`. We send it our
    /// subscriptions. A peer already known keeps its state and gets no second hello.
    ///
    /// - Parameters:
    ///   - peer: The peer.
    ///   - protocolID: The negotiated protocol.
    ///   - outbound: Whether we dialled the connection (for the v1.1 outbound quota).
    ///   - now: The current time.
    public mutating func addPeer(
        _ peer: PeerID, protocol protocolID: GossipSubProtocol, outbound: Bool, now: GossipSubTime
    ) -> [GossipSubAction] {
        guard peer != localPeer else { return [] }
        if peers[peer] != nil {
            peers[peer]?.protocolID = protocolID
            return []
        }
        peers[peer] = PeerState(protocolID: protocolID, outbound: outbound)
        scores.addPeer(peer)
        for topic in mesh.keys.sorted() { outbox.subscription(topic, subscribe: true, to: peer) }
        return flush()
    }

    /// The peer's connection or stream is gone: it leaves every mesh, fanout and topic.
    /// Its score is retained for a while.
    public mutating func removePeer(_ peer: PeerID, now: GossipSubTime) {
        guard let state = peers.removeValue(forKey: peer) else { return }
        for topic in state.topics {
            topicPeers[topic]?.remove(peer)
            if topicPeers[topic]?.isEmpty == true { topicPeers[topic] = nil }
        }
        for topic in mesh.keys where mesh[topic]?.remove(peer) != nil {
            scores.prune(peer, topic: topic, now: now)
        }
        for topic in fanout.keys { fanout[topic]?.remove(peer) }
        scores.removePeer(peer, now: now)
    }

    /// The shell wrote one RPC given to `peer` (or gave up on it): frees a queue slot.
    public mutating func sendCompleted(to peer: PeerID) {
        guard let queued = peers[peer]?.queued, queued > 0 else { return }
        peers[peer]?.queued = queued - 1
    }

    // MARK: Topics

    /// JOIN: subscribes to `topic`, announces it to every peer and grafts up to D peers
    /// (fanout peers first).
    public mutating func subscribe(_ topic: String, now: GossipSubTime) -> [GossipSubAction] {
        guard mesh[topic] == nil, !topic.isEmpty, topic.utf8.count <= configuration.maxTopicLength else { return [] }
        for peer in peers.keys.sorted(by: peerOrder) { outbox.subscription(topic, subscribe: true, to: peer) }
        var members = Set((fanout.removeValue(forKey: topic) ?? []).filter { graftable($0, topic: topic, now: now) })
        fanoutLastPublished[topic] = nil
        if members.count > configuration.d {
            members = Set(shuffled(members).prefix(configuration.d))
        }
        if members.count < configuration.d {
            let candidates = shuffled((topicPeers[topic] ?? []).filter { !members.contains($0) && graftable($0, topic: topic, now: now) })
            members.formUnion(candidates.prefix(configuration.d - members.count))
        }
        mesh[topic] = members
        for peer in members.sorted(by: peerOrder) {
            scores.graft(peer, topic: topic, now: now)
            outbox.graft(topic, to: peer)
        }
        return flush()
    }

    /// LEAVE: unsubscribes from `topic`, announces it and prunes every mesh peer.
    public mutating func unsubscribe(_ topic: String, now: GossipSubTime) -> [GossipSubAction] {
        guard let members = mesh.removeValue(forKey: topic) else { return [] }
        for peer in peers.keys.sorted(by: peerOrder) { outbox.subscription(topic, subscribe: false, to: peer) }
        for peer in members.sorted(by: peerOrder) {
            scores.prune(peer, topic: topic, now: now)
            outbox.prune(makePrune(for: peer, topic: topic, peerExchange: true, unsubscribing: true, now: now), to: peer)
            addBackoff(peer, topic: topic, duration: configuration.unsubscribeBackoff, now: now)
        }
        return flush()
    }

    // MARK: Helpers

    /// A deterministic order for iterating peers (sets and dictionaries have none).
    func peerOrder(_ a: PeerID, _ b: PeerID) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }

    /// `peers` in a random order drawn from the router's generator.
    mutating func shuffled(_ peers: some Collection<PeerID>) -> [PeerID] {
        var list = peers.sorted(by: peerOrder)
        list.shuffle(using: &random)
        return list
    }

    /// Peers in `topic` that always get its messages: FloodSub peers and direct peers.
    func floodTargets(_ topic: String) -> Set<PeerID> {
        (topicPeers[topic] ?? []).filter { peers[$0]?.protocolID == .floodsub || configuration.directPeers.contains($0) }
    }

    /// Whether `peer` may be grafted into `topic`'s mesh now.
    func graftable(_ peer: PeerID, topic: String, now: GossipSubTime) -> Bool {
        guard let state = peers[peer], state.protocolID.isGossipSub, state.topics.contains(topic),
            !configuration.directPeers.contains(peer)
        else { return false }
        return !isBackedOff(peer, topic: topic, now: now) && scores.score(of: peer, now: now) >= 0
    }

    mutating func addBackoff(_ peer: PeerID, topic: String, duration: Duration, now: GossipSubTime) {
        let until = now + duration
        if let current = backoff[topic]?[peer], current >= until { return }
        backoff[topic, default: [:]][peer] = until
    }

    /// A PRUNE for `peer`, with backoff and peer exchange if it speaks v1.1.
    mutating func makePrune(
        for peer: PeerID, topic: String, peerExchange: Bool, unsubscribing: Bool, now: GossipSubTime
    ) -> PubSubRPC.Prune {
        guard peers[peer]?.protocolID.supportsPeerExchange == true else { return PubSubRPC.Prune(topic: topic) }
        let backoff = unsubscribing ? configuration.unsubscribeBackoff : configuration.pruneBackoff
        var prune = PubSubRPC.Prune(topic: topic, backoffSeconds: UInt64(max(0, backoff.gossipMilliseconds / 1000)))
        if peerExchange && configuration.doPeerExchange {
            let candidates = (topicPeers[topic] ?? []).filter { candidate in
                candidate != peer && peers[candidate]?.protocolID.isGossipSub == true
                    && !configuration.directPeers.contains(candidate) && scores.score(of: candidate, now: now) >= 0
            }
            prune.peers = shuffled(candidates).prefix(configuration.prunePeers).map { PubSubRPC.PeerExchangeEntry(peer: $0) }
        }
        return prune
    }

    /// Turns the outbox into send actions (respecting the per-peer queue bound) and returns
    /// every action gathered during the event.
    mutating func flush() -> [GossipSubAction] {
        for (peer, rpc) in outbox.take(maxSize: configuration.maxMessageSize) {
            guard var state = peers[peer] else { continue }
            guard state.queued < configuration.maxQueuedRPCsPerPeer else {
                droppedRPCs += 1
                continue
            }
            state.queued += 1
            peers[peer] = state
            actions.append(.send(to: peer, rpc: rpc))
        }
        defer { actions = [] }
        return actions
    }
}
