import LibP2PCore

/// Per-peer counters and the score function of gossipsub-v1.1.md ("The Score Function",
/// "Topic Parameter Calculation and Decay"). The router reports events (graft, prune,
/// deliveries, invalid messages, penalties); ``score(of:now:)`` mixes the counters.
struct PeerScore: Sendable {
    struct TopicStats: Sendable {
        var inMesh = false
        var graftTime = GossipSubTime.zero
        var firstDeliveries = 0.0
        var meshDeliveries = 0.0
        var meshFailurePenalty = 0.0
        var invalidDeliveries = 0.0
    }

    struct PeerStats: Sendable {
        var connected = true
        var expires: GossipSubTime?
        var topics: [String: TopicStats] = [:]
        var behaviourPenalty = 0.0
    }

    /// What became of a message, for scoring later copies of it.
    private struct Delivery: Sendable {
        enum Status: Sendable { case valid, invalid, ignored }
        var status: Status
        var firstSeen: GossipSubTime
        var peers: Set<PeerID> = []
    }

    let parameters: PeerScoreParameters
    private(set) var peers: [PeerID: PeerStats] = [:]
    private var deliveries: [MessageID: Delivery] = [:]
    private let maxDeliveries = 50_000
    private let deliveryRecordTTL: Duration

    init(parameters: PeerScoreParameters, deliveryRecordTTL: Duration) {
        self.parameters = parameters
        self.deliveryRecordTTL = deliveryRecordTTL
    }

    // MARK: Score

    /// The score of `peer` (0 for a peer never seen).
    func score(of peer: PeerID, now: GossipSubTime) -> Double {
        guard let stats = peers[peer] else { return 0 }
        var topicsScore = 0.0
        for (topic, topicStats) in stats.topics {
            guard let p = parameters.parameters(for: topic) else { continue }
            var topicScore = 0.0
            if topicStats.inMesh {
                let quantum = max(p.timeInMeshQuantum.gossipSeconds, 0.001)
                let p1 = min((now - topicStats.graftTime).gossipSeconds / quantum, p.timeInMeshCap)
                topicScore += p.timeInMeshWeight * max(0, p1)
            }
            topicScore += p.firstMessageDeliveriesWeight * topicStats.firstDeliveries
            if topicStats.inMesh, now - topicStats.graftTime > p.meshMessageDeliveriesActivation,
                topicStats.meshDeliveries < p.meshMessageDeliveriesThreshold
            {
                let deficit = p.meshMessageDeliveriesThreshold - topicStats.meshDeliveries
                topicScore += p.meshMessageDeliveriesWeight * deficit * deficit
            }
            topicScore += p.meshFailurePenaltyWeight * topicStats.meshFailurePenalty
            topicScore += p.invalidMessageDeliveriesWeight * topicStats.invalidDeliveries * topicStats.invalidDeliveries
            topicsScore += p.topicWeight * topicScore
        }
        if parameters.topicScoreCap > 0 { topicsScore = min(topicsScore, parameters.topicScoreCap) }
        var total = topicsScore
        let excess = stats.behaviourPenalty - parameters.behaviourPenaltyThreshold
        if excess > 0 { total += parameters.behaviourPenaltyWeight * excess * excess }
        return total
    }

    // MARK: Peers

    mutating func addPeer(_ peer: PeerID) {
        if peers[peer] == nil { peers[peer] = PeerStats() }
        peers[peer]?.connected = true
        peers[peer]?.expires = nil
    }

    /// The peer disconnected: its counters are retained for ``PeerScoreParameters/retainScore``.
    mutating func removePeer(_ peer: PeerID, now: GossipSubTime) {
        guard var stats = peers[peer] else { return }
        for topic in Array(stats.topics.keys) { stats.topics[topic]?.inMesh = false }
        stats.connected = false
        stats.expires = now + parameters.retainScore
        peers[peer] = stats
    }

    mutating func graft(_ peer: PeerID, topic: String, now: GossipSubTime) {
        guard parameters.parameters(for: topic) != nil, peers[peer] != nil else { return }
        peers[peer]?.topics[topic, default: TopicStats()].inMesh = true
        peers[peer]?.topics[topic]?.graftTime = now
        peers[peer]?.topics[topic]?.meshDeliveries = 0
    }

    /// The peer left the mesh; an active delivery deficit becomes a sticky P₃ᵦ penalty.
    mutating func prune(_ peer: PeerID, topic: String, now: GossipSubTime) {
        guard let p = parameters.parameters(for: topic), var stats = peers[peer]?.topics[topic], stats.inMesh else { return }
        if now - stats.graftTime > p.meshMessageDeliveriesActivation, stats.meshDeliveries < p.meshMessageDeliveriesThreshold {
            let deficit = p.meshMessageDeliveriesThreshold - stats.meshDeliveries
            stats.meshFailurePenalty += deficit * deficit
        }
        stats.inMesh = false
        peers[peer]?.topics[topic] = stats
    }

    /// Adds to P₇ (only for a peer still known: connected or retained).
    mutating func addPenalty(_ peer: PeerID, count: Double = 1) {
        peers[peer]?.behaviourPenalty += count
    }

    // MARK: Deliveries

    /// A new valid message from `peer`: P₂ for it, P₃ if it is in our mesh.
    mutating func deliverMessage(_ id: MessageID, topic: String, from peer: PeerID, now: GossipSubTime) {
        recordDelivery(id, status: .valid, from: peer, now: now)
        guard let p = parameters.parameters(for: topic), peers[peer] != nil else { return }
        var stats = peers[peer]?.topics[topic] ?? TopicStats()
        stats.firstDeliveries = min(stats.firstDeliveries + 1, p.firstMessageDeliveriesCap)
        if stats.inMesh { stats.meshDeliveries = min(stats.meshDeliveries + 1, p.meshMessageDeliveriesCap) }
        peers[peer]?.topics[topic] = stats
    }

    /// A message from `peer` failed the signature policy or was rejected by the validator.
    mutating func rejectMessage(_ id: MessageID?, topic: String, from peer: PeerID, now: GossipSubTime) {
        if let id { recordDelivery(id, status: .invalid, from: peer, now: now) }
        countInvalid(peer, topic: topic)
    }

    /// The validator ignored a message: later copies are not penalised either.
    mutating func ignoreMessage(_ id: MessageID, from peer: PeerID, now: GossipSubTime) {
        recordDelivery(id, status: .ignored, from: peer, now: now)
    }

    /// A copy of a message already seen: a near-first copy from a mesh peer counts for P₃,
    /// a copy of an invalid message counts for P₄.
    mutating func duplicateMessage(_ id: MessageID, topic: String, from peer: PeerID, now: GossipSubTime) {
        guard var delivery = deliveries[id], !delivery.peers.contains(peer) else { return }
        delivery.peers.insert(peer)
        deliveries[id] = delivery
        switch delivery.status {
        case .invalid:
            countInvalid(peer, topic: topic)
        case .ignored:
            break
        case .valid:
            guard let p = parameters.parameters(for: topic), var stats = peers[peer]?.topics[topic], stats.inMesh,
                now - delivery.firstSeen <= p.meshMessageDeliveriesWindow
            else { return }
            stats.meshDeliveries = min(stats.meshDeliveries + 1, p.meshMessageDeliveriesCap)
            peers[peer]?.topics[topic] = stats
        }
    }

    private mutating func countInvalid(_ peer: PeerID, topic: String) {
        guard parameters.parameters(for: topic) != nil, peers[peer] != nil else { return }
        peers[peer]?.topics[topic, default: TopicStats()].invalidDeliveries += 1
    }

    private mutating func recordDelivery(_ id: MessageID, status: Delivery.Status, from peer: PeerID, now: GossipSubTime) {
        guard deliveries[id] == nil, deliveries.count < maxDeliveries else { return }
        deliveries[id] = Delivery(status: status, firstSeen: now, peers: [peer])
    }

    // MARK: Decay

    /// Decays every counter once and forgets expired peers and delivery records.
    mutating func decay(now: GossipSubTime) {
        let zero = parameters.decayToZero
        func decayed(_ value: Double, _ factor: Double) -> Double {
            let result = value * factor
            return result < zero ? 0 : result
        }
        for (peer, var stats) in peers {
            if !stats.connected, let expires = stats.expires, expires <= now {
                peers[peer] = nil
                continue
            }
            for (topic, var topicStats) in stats.topics {
                guard let p = parameters.parameters(for: topic) else { continue }
                topicStats.firstDeliveries = decayed(topicStats.firstDeliveries, p.firstMessageDeliveriesDecay)
                topicStats.meshDeliveries = decayed(topicStats.meshDeliveries, p.meshMessageDeliveriesDecay)
                topicStats.meshFailurePenalty = decayed(topicStats.meshFailurePenalty, p.meshFailurePenaltyDecay)
                topicStats.invalidDeliveries = decayed(topicStats.invalidDeliveries, p.invalidMessageDeliveriesDecay)
                stats.topics[topic] = topicStats
            }
            stats.behaviourPenalty = decayed(stats.behaviourPenalty, parameters.behaviourPenaltyDecay)
            peers[peer] = stats
        }
        deliveries = deliveries.filter { now - $0.value.firstSeen <= deliveryRecordTTL }
    }
}
