/// Peer scoring parameters and thresholds (gossipsub-v1.1.md, "Peer Scoring").
///
/// The score is `TopicCap(Σ topicWeight·(w₁P₁ + w₂P₂ + w₃P₃ + w₃ᵦP₃ᵦ + w₄P₄)) + w₇P₇`.
/// P₅ (application score) and P₆ (IP colocation) are not implemented. The defaults make a
/// peer that sends three invalid messages in a topic graylisted (−10·3² = −90 < −80), and
/// give honest peers a small positive score for time in mesh and first deliveries.
public struct PeerScoreParameters: Sendable {
    /// Parameters for specific topics.
    public var topics: [String: TopicScoreParameters] = [:]
    /// Parameters for every topic not in ``topics``; nil leaves such topics unscored.
    public var defaultTopic: TopicScoreParameters? = TopicScoreParameters()
    /// Cap on the positive sum of topic contributions (0: none).
    public var topicScoreCap: Double = 0

    /// Weight of P₇, the behaviour penalty (GRAFT during backoff, broken IHAVE promises).
    public var behaviourPenaltyWeight: Double = -10
    /// Counter value below which P₇ does not apply.
    public var behaviourPenaltyThreshold: Double = 0
    /// Decay factor of the P₇ counter.
    public var behaviourPenaltyDecay: Double = 0.9

    /// How often counters decay (checked at each heartbeat).
    public var decayInterval: Duration = .seconds(1)
    /// A decayed counter below this is zero.
    public var decayToZero: Double = 0.01
    /// How long a disconnected peer's counters are kept, so that reconnecting does not
    /// clear a bad score.
    public var retainScore: Duration = .seconds(60)

    /// Below this no gossip is sent to the peer and its gossip is ignored (< 0).
    public var gossipThreshold: Double = -10
    /// Below this our own messages are not published to the peer (≤ gossipThreshold).
    public var publishThreshold: Double = -50
    /// Below this every RPC of the peer is ignored (< publishThreshold).
    public var graylistThreshold: Double = -80
    /// Peer exchange is followed only from peers scoring at least this (≥ 0).
    public var acceptPXThreshold: Double = 10

    /// A mesh whose median score is below this grafts peers scoring above the median
    /// (opportunistic grafting; ≥ 0).
    public var opportunisticGraftThreshold: Double = 1

    /// The default parameters.
    public init() {}

    /// The parameters for `topic`, if it is scored.
    func parameters(for topic: String) -> TopicScoreParameters? {
        topics[topic] ?? defaultTopic
    }
}

/// The per-topic parameters of the score function.
public struct TopicScoreParameters: Sendable {
    /// How much this topic counts.
    public var topicWeight: Double = 1

    /// P₁ weight (small, positive).
    public var timeInMeshWeight: Double = 0.01
    /// P₁ quantum: time in mesh per point.
    public var timeInMeshQuantum: Duration = .seconds(1)
    /// P₁ cap.
    public var timeInMeshCap: Double = 300

    /// P₂ weight (positive).
    public var firstMessageDeliveriesWeight: Double = 1
    /// P₂ decay factor.
    public var firstMessageDeliveriesDecay: Double = 0.9
    /// P₂ cap.
    public var firstMessageDeliveriesCap: Double = 20

    /// P₃ weight (negative; 0 disables mesh delivery scoring, the default, since the
    /// expected rate depends on the application).
    public var meshMessageDeliveriesWeight: Double = 0
    /// P₃ decay factor.
    public var meshMessageDeliveriesDecay: Double = 0.9
    /// P₃ expected deliveries; below it the deficit is squared.
    public var meshMessageDeliveriesThreshold: Double = 1
    /// P₃ cap.
    public var meshMessageDeliveriesCap: Double = 10
    /// Time in mesh before P₃ applies.
    public var meshMessageDeliveriesActivation: Duration = .seconds(30)
    /// A duplicate this soon after the first delivery still counts as a mesh delivery.
    public var meshMessageDeliveriesWindow: Duration = .milliseconds(10)

    /// P₃ᵦ weight (negative).
    public var meshFailurePenaltyWeight: Double = 0
    /// P₃ᵦ decay factor.
    public var meshFailurePenaltyDecay: Double = 0.9

    /// P₄ weight (negative).
    public var invalidMessageDeliveriesWeight: Double = -10
    /// P₄ decay factor.
    public var invalidMessageDeliveriesDecay: Double = 0.99

    /// The default parameters.
    public init() {}
}
