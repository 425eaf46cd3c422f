import LibP2PCore
import LibP2PGossipSub

// The streams. Outbound: one per peer, opened when the peer is attached, written by one
// task from the peer's queue (every frame is <uvarint length><RPC protobuf>; what is queued
// goes out in one write, up to maxBytesPerWrite), so frames keep the router's order. The
// router frees a queue slot per frame written. Inbound: the peer's stream is read until it
// ends. A peer should open one, but py-libp2p may open two at once when it connects (its
// connect notifee and an explicit `ensure_peer_stream` race), and then sends on either: up to
// maxInboundStreamsPerPeer are read; one more resets the oldest (go-libp2p keeps one).
//
//   we                                               peer
//   open /meshsub/1.1.0 (or 1.0.0) ───────────────▶  its handler reads our RPCs
//   <len><RPC> <len><RPC> …  (never closed while attached)
//   our handler reads its RPCs  ◀──────────────────  it opens its own stream to us
extension PubSub {
    // MARK: Outbound

    /// Queues one frame for `peer`'s outbound stream. At the byte bound (or for a peer no
    /// longer attached) the frame is dropped and its router slot freed.
    func enqueue(_ frame: [UInt8], to peer: PeerID) {
        guard var link = links[peer], !link.draining else {
            router.sendCompleted(to: peer)
            return
        }
        guard link.queuedBytes + frame.count <= configuration.maxQueuedBytesPerPeer else {
            counters.droppedRPCs += 1
            router.sendCompleted(to: peer)
            return
        }
        link.queue.append(frame)
        link.queuedBytes += frame.count
        if let waiter = link.waiter {
            link.waiter = nil
            let batch = Self.takeBatch(from: &link, maxBytes: configuration.maxBytesPerWrite)
            links[peer] = link
            waiter.resume(returning: batch)
        } else {
            links[peer] = link
        }
    }

    /// Frames from the front of the queue, joined, at least one and at most `maxBytes`
    /// (unless the first alone is longer); nil when the queue is empty.
    static func takeBatch(from link: inout PeerLink, maxBytes: Int) -> (bytes: [UInt8], count: Int)? {
        guard let first = link.queue.popFirst() else { return nil }
        var bytes = first
        var count = 1
        while let next = link.queue.first, bytes.count + next.count <= maxBytes {
            bytes += next
            count += 1
            link.queue.removeFirst()
        }
        link.queuedBytes -= bytes.count
        return (bytes, count)
    }

    /// The writer of one attachment: opens the stream, then writes batches until detached.
    nonisolated func runWriter(to peer: PeerID, generation: Int) async {
        let stream: LibP2PStream
        do {
            stream = try await swarm.openStream(
                to: peer, protocols: Self.protocols.map(\.rawValue), timeout: configuration.openTimeout)
        } catch {
            await writerEnded(peer, generation: generation, error: error)
            return
        }
        guard await outboundOpened(peer, generation: generation, stream: stream) else {
            await stream.reset()
            return
        }
        // The peer never writes on our stream: its end (FIN or reset) means the peer dropped
        // it, which a parked writer would not notice until its next write (go-libp2p watches
        // the same way).
        Task { [weak self] in
            _ = try? await stream.read(maxBytes: 1)
            await self?.outboundLost(peer, generation: generation)
        }
        var written = 0
        while let batch = await nextBatch(for: peer, generation: generation, written: written) {
            do {
                try await stream.write(batch.bytes)
            } catch {
                await stream.reset()
                await writerEnded(peer, generation: generation, error: error)
                return
            }
            written = batch.count
        }
        try? await stream.closeWrite()
        await writerEnded(peer, generation: generation, error: nil)
    }

    /// Our outbound stream is open: the router hears of the peer (if the inbound stream
    /// did not already tell it). False if the attachment is gone meanwhile.
    func outboundOpened(_ peer: PeerID, generation: Int, stream: LibP2PStream) -> Bool {
        guard let link = links[peer], link.generation == generation, !closed || link.draining else { return false }
        links[peer]?.protocolID = stream.protocolID
        links[peer]?.openedAt = clock.now
        addToRouter(peer, over: stream)
        return true
    }

    /// Reports `written` frames done and waits for the next batch; nil when detached, or
    /// drained.
    func nextBatch(for peer: PeerID, generation: Int, written: Int) async -> (bytes: [UInt8], count: Int)? {
        guard var link = links[peer], link.generation == generation else { return nil }
        for _ in 0..<written { router.sendCompleted(to: peer) }
        if let batch = Self.takeBatch(from: &link, maxBytes: configuration.maxBytesPerWrite) {
            links[peer] = link
            return batch
        }
        if link.draining { return nil }
        return await withCheckedContinuation { continuation in
            links[peer]?.waiter = continuation
        }
    }

    /// The writer stopped (failure, or drained): the peer is detached. After a failure
    /// while the peer stays connected (its stream was on a connection that closed, or it
    /// reset the stream), the stream is opened again after a pause, at most
    /// ``PubSubConfiguration/maxReopenAttempts`` times in a row (a stream that lasted a
    /// minute starts the count again); not when the peer does not speak pubsub.
    func writerEnded(_ peer: PeerID, generation: Int, error: (any Error)?) {
        guard let link = links[peer], link.generation == generation else { return }
        detach(peer)
        guard let error, !closed else { return }
        logger.debug("Pubsub stream to a peer failed", metadata: ["peer": "\(peer)", "error": "\(error)"])
        if case LibP2PError.protocolNotSupported = error { return }
        let lasted = link.openedAt.map { clock.now - $0 > .seconds(60) } ?? false
        let attempt = (lasted ? 0 : reopenAttempts[peer] ?? 0) + 1
        guard attempt <= configuration.maxReopenAttempts else {
            reopenAttempts[peer] = nil
            return
        }
        reopenAttempts[peer] = attempt
        let pause = configuration.reopenBackoff * (1 << min(attempt - 1, 16))
        Task { [weak self] in
            try? await Task.sleep(for: pause)
            await self?.reopen(peer)
        }
    }

    /// Our outbound stream ended from the peer's side while attached: a failure.
    func outboundLost(_ peer: PeerID, generation: Int) {
        guard let link = links[peer], link.generation == generation, !link.draining else { return }
        writerEnded(peer, generation: generation, error: LibP2PError.streamReset)
    }

    /// Attaches `peer` again if it is still connected and not attached meanwhile.
    func reopen(_ peer: PeerID) async {
        guard !closed, links[peer] == nil, await swarm.isConnected(to: peer) else { return }
        attach(peer)
    }

    // MARK: Inbound

    /// Serves one inbound pubsub stream: reads frames of at most
    /// ``GossipSubConfiguration/maxMessageSize`` until the stream ends, and hands them to
    /// the router. A frame over the bound or an RPC the router refuses resets the stream.
    nonisolated func serve(_ stream: LibP2PStream) async {
        guard await acceptInbound(stream) else {
            await stream.reset()
            return
        }
        let peer = stream.remotePeer
        var decoder = LengthPrefixedDecoder(maxMessageLength: configuration.gossipSub.maxMessageSize)
        do {
            while let chunk = try await stream.read(maxBytes: 64 * 1024) {
                decoder.append(chunk)
                var frames: [[UInt8]] = []
                while let frame = try decoder.next() { frames.append(frame) }
                if !frames.isEmpty, await !receive(frames, from: peer, on: stream) {
                    throw LibP2PError.streamReset
                }
            }
            // The peer closed its side: close ours, so that the stream is released.
            try? await stream.closeWrite()
        } catch let error as LengthPrefixedError {
            await countMalformed(peer, "\(error)")
            await stream.reset()
        } catch {
            await stream.reset()
        }
        await inboundEnded(stream)
    }

    /// Attaches the peer (if it is not) and adds `stream` to its inbound streams.
    func acceptInbound(_ stream: LibP2PStream) -> Bool {
        let peer = stream.remotePeer
        guard attach(peer), var link = links[peer], !link.draining else { return false }
        if link.inbound.count >= max(1, configuration.maxInboundStreamsPerPeer) {
            let oldest = link.inbound.removeFirst()
            Task { await oldest.reset() }
        }
        link.inbound.append(stream)
        links[peer] = link
        if !link.inRouter { addToRouter(peer, over: stream) }
        return true
    }

    /// Hands received RPCs to the router and carries out its actions. False when the
    /// stream is to be reset: it is no longer one of the peer's streams, or an RPC was refused.
    func receive(_ frames: [[UInt8]], from peer: PeerID, on stream: LibP2PStream) -> Bool {
        for frame in frames {
            guard let link = links[peer], link.inbound.contains(where: { $0 === stream }), !closed else { return false }
            do {
                execute(try router.receive(frame, from: peer, now: now()))
            } catch {
                countMalformed(peer, "\(error)")
                return false
            }
        }
        return true
    }

    func countMalformed(_ peer: PeerID, _ reason: String) {
        counters.malformedRPCs += 1
        logger.debug("Pubsub RPC refused; resetting the stream", metadata: ["peer": "\(peer)", "reason": "\(reason)"])
    }

    /// An inbound stream of the peer ended; the peer stays attached (our stream may go on).
    func inboundEnded(_ stream: LibP2PStream) {
        links[stream.remotePeer]?.inbound.removeAll { $0 === stream }
    }
}
