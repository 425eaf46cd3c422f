import LibP2PCore

/// One pubsub RPC, decoded and bounded: subscription changes, messages and GossipSub
/// control messages (pubsub README "The RPC"; gossipsub-v1.0.md and v1.1.md "Protobuf").
/// Messages inside are not verified yet (see ``PubSubMessage/verify(policy:)``).
public struct PubSubRPC: Sendable, Hashable {
    /// A subscription change announced by a peer.
    public struct Subscription: Sendable, Hashable {
        /// The topic.
        public var topic: String
        /// True to subscribe, false to unsubscribe.
        public var subscribe: Bool

        /// A subscription change.
        public init(topic: String, subscribe: Bool) {
            self.topic = topic
            self.subscribe = subscribe
        }
    }

    /// IHAVE: message IDs the sender has recently seen in a topic.
    public struct IHave: Sendable, Hashable {
        /// The topic.
        public var topic: String
        /// The advertised IDs.
        public var ids: [MessageID]

        /// An IHAVE.
        public init(topic: String, ids: [MessageID]) {
            self.topic = topic
            self.ids = ids
        }
    }

    /// A peer offered in a PRUNE's peer exchange (v1.1).
    public struct PeerExchangeEntry: Sendable, Hashable {
        /// The peer.
        public var peer: PeerID
        /// Its signed peer record envelope, if the pruning peer had one.
        public var signedPeerRecord: [UInt8]?

        /// An entry.
        public init(peer: PeerID, signedPeerRecord: [UInt8]? = nil) {
            self.peer = peer
            self.signedPeerRecord = signedPeerRecord
        }
    }

    /// PRUNE: the sender removed us from its mesh for a topic.
    public struct Prune: Sendable, Hashable {
        /// The topic.
        public var topic: String
        /// Peer exchange (v1.1); entries whose ID is not a peer ID were dropped.
        public var peers: [PeerExchangeEntry]
        /// The backoff in seconds (v1.1), if given.
        public var backoffSeconds: UInt64?

        /// A PRUNE.
        public init(topic: String, peers: [PeerExchangeEntry] = [], backoffSeconds: UInt64? = nil) {
            self.topic = topic
            self.peers = peers
            self.backoffSeconds = backoffSeconds
        }
    }

    /// The GossipSub control messages of an RPC.
    public struct Control: Sendable, Hashable {
        /// IHAVE gossip.
        public var ihave: [IHave] = []
        /// IWANT requests, flattened.
        public var iwant: [MessageID] = []
        /// GRAFT topics.
        public var graft: [String] = []
        /// PRUNEs.
        public var prune: [Prune] = []

        /// No control messages.
        public init() {}

        /// Whether there is nothing to send.
        public var isEmpty: Bool { ihave.isEmpty && iwant.isEmpty && graft.isEmpty && prune.isEmpty }
    }

    /// Subscription changes.
    public var subscriptions: [Subscription] = []
    /// Messages.
    public var messages: [PubSubMessage] = []
    /// Control messages.
    public var control = Control()

    /// An empty RPC.
    public init() {}

    /// Whether there is nothing to send.
    public var isEmpty: Bool { subscriptions.isEmpty && messages.isEmpty && control.isEmpty }
}
