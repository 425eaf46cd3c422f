import LibP2PCore

/// The parameters of a GossipSub router and the bounds on everything it keeps or accepts.
///
/// Defaults follow gossipsub-v1.0.md ("Parameters") and gossipsub-v1.1.md ("Overview of New
/// Parameters"); bounds the specifications leave open follow go-libp2p-pubsub.
public struct GossipSubConfiguration: Sendable {
    /// The desired mesh degree.
    public var d = 6
    /// Fewer mesh peers than this and the heartbeat grafts up to ``d``.
    public var dLow = 4
    /// More mesh peers than this and the heartbeat prunes down to ``d``.
    public var dHigh = 12
    /// The least number of peers gossip (IHAVE) is emitted to per topic.
    public var dLazy = 6
    /// Mesh peers kept by score when pruning for oversubscription (the rest are random).
    public var dScore = 4
    /// Outbound connections kept in each mesh (below ``dLow``, at most ``d``/2).
    public var dOut = 2
    /// The fraction of eligible non-mesh peers gossip goes to, when more than ``dLazy``.
    public var gossipFactor = 0.25

    /// Explicit peering agreements (v1.1): these peers get every message of their topics,
    /// are never in a mesh (a GRAFT from one is answered with PRUNE), get no gossip and are
    /// never graylisted. The shell keeps connections to them (the spec checks every 5 min).
    public var directPeers: Set<PeerID> = []

    /// Every this many heartbeats, meshes whose median score is under
    /// ``PeerScoreParameters/opportunisticGraftThreshold`` graft better peers (v1.1).
    public var opportunisticGraftTicks = 60
    /// Peers grafted opportunistically per topic.
    public var opportunisticGraftPeers = 2

    /// How often the shell should call ``GossipSubRouter/heartbeat(now:)``.
    public var heartbeatInterval: Duration = .seconds(1)
    /// How long fanout state for a topic we publish to without joining is kept.
    public var fanoutTTL: Duration = .seconds(60)
    /// History windows (heartbeats) kept in the message cache, answerable by IWANT.
    public var historyLength = 5
    /// History windows advertised in IHAVE gossip.
    public var historyGossip = 3
    /// How long a message ID stays in the seen cache.
    public var seenTTL: Duration = .seconds(120)
    /// Seen-cache bound: at the bound the oldest IDs are forgotten early.
    public var maxSeenMessages = 100_000

    /// Publish our own messages to every topic peer above the publish threshold (v1.1).
    public var floodPublish = true
    /// Send peer exchange with PRUNE to v1.1 peers.
    public var doPeerExchange = true
    /// Peers offered in one PRUNE's peer exchange, and the most accepted from one.
    public var prunePeers = 16
    /// Backoff after a PRUNE, sent with it and respected by both sides.
    public var pruneBackoff: Duration = .seconds(60)
    /// Backoff sent with the PRUNEs of LEAVE.
    public var unsubscribeBackoff: Duration = .seconds(10)
    /// How long a peer that answered IHAVE with nothing is waited for before P₇ applies.
    public var iwantFollowupTime: Duration = .seconds(3)

    /// Most IHAVE messages taken from one peer per heartbeat; further ones are ignored.
    public var maxIHaveMessages = 10
    /// Most message IDs asked for (IWANT) from one peer per heartbeat, and most IDs put in
    /// one IHAVE we emit.
    public var maxIHaveLength = 5000
    /// Most message IDs answered for one peer per heartbeat.
    public var maxIWantAnswers = 5000
    /// How often the same message is sent to the same peer in answer to IWANT.
    public var gossipRetransmission = 3

    /// Wire bound: the longest encoded RPC accepted or sent (a message to publish must fit
    /// in one RPC under it).
    public var maxMessageSize = 1 << 20
    /// Wire bound: subscription changes, GRAFTs and PRUNEs in one RPC, each.
    public var maxEntriesPerRPC = 1024
    /// Wire bound: message IDs in all IHAVEs and IWANTs of one RPC.
    public var maxMessageIDsPerRPC = 20_000
    /// Wire bound: the longest topic accepted, in bytes.
    public var maxTopicLength = 256
    /// Wire bound: the longest message ID accepted, in bytes.
    public var maxMessageIDLength = 512
    /// State bound: topics remembered per peer (further subscriptions are ignored).
    public var maxTopicsPerPeer = 512
    /// Queue bound: RPCs handed to the shell for a peer and not yet reported written (see
    /// ``GossipSubRouter/sendCompleted(to:)``). At the bound further RPCs to that peer are
    /// dropped, as go-libp2p drops at its outbound queue of 32.
    public var maxQueuedRPCsPerPeer = 32

    /// Hand new messages to the application with ``GossipSubAction/validate(_:id:receivedFrom:)``
    /// and wait for ``GossipSubRouter/reportValidation(_:result:now:)``, instead of calling
    /// the synchronous validator (for validators that must await, e.g. an actor).
    public var deferredValidation = false
    /// Messages awaiting deferred validation; at the bound new ones are dropped unpenalised.
    public var maxPendingValidations = 1024

    /// How messages are signed and checked.
    public var signaturePolicy: SignaturePolicy = .strictSign
    /// How message IDs are computed; nil picks ``MessageIDFunction/authorAndSeqno`` under
    /// StrictSign and ``MessageIDFunction/contentHash`` under StrictNoSign.
    public var messageID: MessageIDFunction?
    /// Peer scoring (v1.1).
    public var score = PeerScoreParameters()

    /// The default configuration.
    public init() {}

    /// This configuration with every parameter brought into its valid range, so that a
    /// misconfiguration cannot trap the router: 0 ≤ D_lo ≤ D ≤ D_hi, D_score ≤ D,
    /// D_out ≤ min(D/2, D_lo), counts and bounds ≥ 0, gossip factor in 0...1, at least one
    /// history window.
    public var normalized: GossipSubConfiguration {
        var result = self
        result.d = max(0, d)
        result.dLow = min(max(0, dLow), result.d)
        result.dHigh = max(dHigh, result.d)
        result.dLazy = max(0, dLazy)
        result.dScore = min(max(0, dScore), result.d)
        result.dOut = min(max(0, dOut), result.d / 2, result.dLow)
        result.gossipFactor = gossipFactor.isFinite ? min(max(0, gossipFactor), 1) : 0.25
        result.historyLength = max(1, historyLength)
        result.historyGossip = min(max(0, historyGossip), result.historyLength)
        result.opportunisticGraftPeers = max(0, opportunisticGraftPeers)
        result.prunePeers = max(0, prunePeers)
        result.maxIHaveMessages = max(0, maxIHaveMessages)
        result.maxIHaveLength = max(0, maxIHaveLength)
        result.maxIWantAnswers = max(0, maxIWantAnswers)
        result.gossipRetransmission = max(0, gossipRetransmission)
        result.maxQueuedRPCsPerPeer = max(0, maxQueuedRPCsPerPeer)
        result.maxPendingValidations = max(0, maxPendingValidations)
        return result
    }

    /// The message ID function in force.
    var effectiveMessageID: MessageIDFunction {
        messageID ?? (signaturePolicy == .strictSign ? .authorAndSeqno : .contentHash)
    }
}
