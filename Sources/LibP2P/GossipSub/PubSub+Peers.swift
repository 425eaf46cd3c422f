import DequeModule
import LibP2PCore
import LibP2PGossipSub

/// One attached peer: the queue of frames for our outbound stream, the task writing them,
/// and the peer's inbound streams (normally one).
///
/// ```
///   attach ──► opening (frames queue) ──opened──► writing ◄──► waiting for frames
///                  │                                 │
///                  └──── failure, disconnect ────────┴──► detached (queue dropped)
///   stop ──► draining: the queue is written, then FIN
/// ```
struct PeerLink {
    /// Distinguishes this attachment from an earlier one of the same peer.
    let generation: Int
    var queue: Deque<[UInt8]> = []
    var queuedBytes = 0
    /// The writer, parked until frames come.
    var waiter: CheckedContinuation<(bytes: [UInt8], count: Int)?, Never>?
    var writer: Task<Void, Never>?
    /// Oldest first, at most ``PubSubConfiguration/maxInboundStreamsPerPeer``.
    var inbound: [LibP2PStream] = []
    /// Whether the router knows the peer (from our outbound stream or its inbound one).
    var inRouter = false
    /// The protocol our outbound stream negotiated, once it is open.
    var protocolID: String?
    /// When our outbound stream was opened.
    var openedAt: ContinuousClock.Instant?
    /// No new frames; the writer stops once the queue is empty.
    var draining = false
}

// Peers: who is attached (identify lists a /meshsub/ protocol, or the peer opened a pubsub
// stream to us), and who leaves (disconnected, or our stream to it failed).
extension PubSub {
    /// Takes one swarm event: an identified peer that speaks GossipSub is attached, a
    /// disconnected one detached. The owner of the swarm's event stream forwards every
    /// event here. (A connection alone attaches nothing: identify, or the peer's own
    /// pubsub stream, follows at once.)
    public func observe(_ event: SwarmEvent) async {
        guard started, !closed else { return }
        switch event {
        case .peerIdentified(let peer):
            guard links[peer] == nil, let info = await swarm.info(of: peer),
                info.protocols.contains(where: Self.isPubSub)
            else { return }
            attach(peer)
        case .peerDisconnected(let peer):
            reopenAttempts[peer] = nil
            detach(peer)
        case .peerConnected, .listening:
            break
        }
    }

    /// Attaches `peer` unless it is: a send queue, and a writer that opens our outbound
    /// stream. The router hears of the peer once a stream is there.
    ///
    /// - Returns: Whether the peer is attached (false at the peer bound or once stopped).
    @discardableResult
    func attach(_ peer: PeerID) -> Bool {
        if links[peer] != nil { return true }
        guard started, !closed, peer != localPeer, links.count < configuration.maxPeers else { return false }
        let generation = nextGeneration
        nextGeneration += 1
        links[peer] = PeerLink(generation: generation)
        links[peer]?.writer = Task { await self.runWriter(to: peer, generation: generation) }
        return true
    }

    /// Forgets `peer`: its queue is dropped, its streams reset, and the router removes it
    /// from every mesh.
    func detach(_ peer: PeerID) {
        guard let link = links.removeValue(forKey: peer) else { return }
        link.waiter?.resume(returning: nil)
        link.writer?.cancel()
        let inbound = link.inbound
        if !inbound.isEmpty { Task { for stream in inbound { await stream.reset() } } }
        if link.inRouter { router.removePeer(peer, now: now()) }
    }

    /// Lets the writer finish what is queued, then close; resets the inbound stream.
    func drain(_ peer: PeerID) {
        guard var link = links[peer] else { return }
        link.draining = true
        let inbound = link.inbound
        if !inbound.isEmpty { Task { for stream in inbound { await stream.reset() } } }
        link.inbound = []
        if link.queue.isEmpty, let waiter = link.waiter {
            link.waiter = nil
            waiter.resume(returning: nil)
        }
        links[peer] = link
    }

    /// The protocol our outbound stream to `peer` negotiated (nil while it is being opened,
    /// or when the peer is not attached).
    public func protocolID(of peer: PeerID) -> String? { links[peer]?.protocolID }

    /// The router hears of `peer` (once; later streams update its protocol).
    func addToRouter(_ peer: PeerID, over stream: LibP2PStream) {
        let protocolID = GossipSubProtocol(rawValue: stream.protocolID) ?? .meshsubV10
        links[peer]?.inRouter = true
        execute(router.addPeer(peer, protocol: protocolID, outbound: stream.connection.isDialer, now: now()))
    }
}
