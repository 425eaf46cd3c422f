import LibP2PGossipSub

/// Settings and bounds of a ``PubSub`` service. The protocol parameters (D, heartbeat,
/// caches, scoring, the signature policy and the wire bounds, among them the 1 MiB RPC
/// limit) are the pure router's ``GossipSubConfiguration``; the rest bounds what the shell
/// keeps and runs. Every bound says what happens when it is reached.
public struct PubSubConfiguration: Sendable {
    /// The router's parameters and bounds. Its ``GossipSubConfiguration/maxMessageSize``
    /// also bounds every frame read from a peer (a longer one resets the stream), and its
    /// ``GossipSubConfiguration/maxQueuedRPCsPerPeer`` bounds each peer's send queue (RPCs
    /// beyond are dropped and counted in ``PubSubStatistics/droppedRPCs``).
    /// ``GossipSubConfiguration/deferredValidation`` is not used by the shell: leave it off.
    public var gossipSub = GossipSubConfiguration()
    /// The application's validator, called for each new message that passed the signature
    /// policy, before delivery and forwarding. It must not block. Nil accepts all.
    public var validator: MessageValidator?

    /// Topics subscribed at once; one more makes ``PubSub/subscribe(_:)`` throw
    /// ``PubSubError/tooManyTopics(limit:)``.
    public var maxTopics = 64
    /// Subscriptions (streams) open on one topic; one more throws ``PubSubError/tooManySubscribers(limit:)``.
    public var maxSubscribersPerTopic = 16
    /// Messages buffered in one subscription's stream for a slow reader; newer ones are
    /// dropped and counted in ``PubSubStatistics/droppedDeliveries``.
    public var subscriptionBufferSize = 1024
    /// Bytes of queued RPCs per peer (besides the router's count bound); an RPC that would
    /// go over is dropped and counted in ``PubSubStatistics/droppedRPCs``.
    public var maxQueuedBytesPerPeer = 8 << 20
    /// The most bytes of queued RPCs written to a peer's stream in one write.
    public var maxBytesPerWrite = 256 * 1024
    /// Peers attached at once (each with one outbound and at most one inbound stream);
    /// further peers are not attached and their inbound streams are reset.
    public var maxPeers = 256
    /// Inbound streams read per peer at once (a peer should open one; py-libp2p sometimes
    /// opens two); one more resets the oldest.
    public var maxInboundStreamsPerPeer = 2
    /// Times in a row our outbound stream to a peer that stays connected is opened again
    /// after it failed (first after ``reopenBackoff``, then twice as long each time; a
    /// stream that lasted a minute starts the count again); then the peer stays detached
    /// until it opens a stream to us, is identified again or reconnects.
    public var maxReopenAttempts = 3
    /// The pause before the first new attempt.
    public var reopenBackoff: Duration = .seconds(1)
    /// How long opening our outbound stream to a peer may take (negotiation included);
    /// then the peer is detached.
    public var openTimeout: Duration = .seconds(10)

    /// The default configuration.
    public init() {}
}
