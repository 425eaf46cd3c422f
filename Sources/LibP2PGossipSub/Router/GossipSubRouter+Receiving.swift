import LibP2PCore

extension GossipSubRouter {
    /// Handles one RPC received from `peer` (the unframed protobuf; the shell strips the
    /// varint length prefix and refuses frames over ``GossipSubConfiguration/maxMessageSize``
    /// before reading them).
    ///
    /// A graylisted peer's RPCs are ignored whole. Otherwise subscription changes, then
    /// messages, then control messages are processed; FloodSub peers' control messages are
    /// ignored, and so is gossip (IHAVE, IWANT) from peers below the gossip threshold.
    ///
    /// - Parameters:
    ///   - bytes: One encoded RPC.
    ///   - peer: The peer whose stream it came from.
    ///   - now: The current time.
    /// - Returns: The actions.
    /// - Throws: ``GossipSubError`` when the bytes are not an acceptable RPC (nothing was
    ///   processed; the shell should close the peer's stream) or the peer was never added.
    public mutating func receive(
        _ bytes: [UInt8], from peer: PeerID, now: GossipSubTime
    ) throws(GossipSubError) -> [GossipSubAction] {
        guard let state = peers[peer] else { throw .unknownPeer }
        guard !isGraylisted(peer, now: now) else { return [] }
        let rpc = try PubSubRPC.decode(bytes, configuration: configuration)

        for subscription in rpc.subscriptions {
            handleSubscription(subscription, from: peer, now: now)
        }
        for message in rpc.messages {
            handleMessage(message, from: peer, now: now)
        }
        if state.protocolID.isGossipSub && !rpc.control.isEmpty {
            handleControl(rpc.control, from: peer, now: now)
        }
        return flush()
    }

    // MARK: Subscriptions

    private mutating func handleSubscription(_ subscription: PubSubRPC.Subscription, from peer: PeerID, now: GossipSubTime) {
        let topic = subscription.topic
        if subscription.subscribe {
            guard var state = peers[peer], !state.topics.contains(topic),
                state.topics.count < configuration.maxTopicsPerPeer
            else { return }
            state.topics.insert(topic)
            peers[peer] = state
            topicPeers[topic, default: []].insert(peer)
        } else {
            guard peers[peer]?.topics.remove(topic) != nil else { return }
            topicPeers[topic]?.remove(peer)
            if topicPeers[topic]?.isEmpty == true { topicPeers[topic] = nil }
            if mesh[topic]?.remove(peer) != nil { scores.prune(peer, topic: topic, now: now) }
            fanout[topic]?.remove(peer)
        }
    }

    // MARK: Messages

    private mutating func handleMessage(_ message: PubSubMessage, from peer: PeerID, now: GossipSubTime) {
        // Only messages of topics we joined are processed (go-libp2p does the same).
        guard let topic = message.topic, mesh[topic] != nil else { return }
        let id = messageID(of: message)
        promises[id] = nil
        guard seen.insert(id, now: now) else {
            scores.duplicateMessage(id, topic: topic, from: peer, now: now)
            return
        }
        // Our own message coming back: seen now, never forwarded again.
        if message.authorBytes == localPeer.bytes { return }
        guard message.verify(policy: configuration.signaturePolicy) else {
            invalidMessages += 1
            scores.rejectMessage(id, topic: topic, from: peer, now: now)
            return
        }
        if configuration.deferredValidation {
            // At the bound the message is dropped without penalty (it stays seen).
            guard pendingValidations.count < configuration.maxPendingValidations else { return }
            pendingValidations[id] = PendingValidation(message: message, topic: topic, source: peer)
            actions.append(.validate(message, id: id, receivedFrom: peer))
            return
        }
        conclude(message, id: id, topic: topic, source: peer, result: validator?(message) ?? .accept, now: now)
    }

    /// The application's verdict on a message handed out with ``GossipSubAction/validate(_:id:receivedFrom:)``
    /// (with ``GossipSubConfiguration/deferredValidation``): an accepted message is cached,
    /// delivered and forwarded, a rejected one penalises the peer it came from.
    ///
    /// - Parameters:
    ///   - id: The message's ID, as given in the action.
    ///   - result: The verdict.
    ///   - now: The current time.
    /// - Returns: The actions (nothing for an ID that is not pending).
    public mutating func reportValidation(_ id: MessageID, result: ValidationResult, now: GossipSubTime) -> [GossipSubAction] {
        guard let pending = pendingValidations.removeValue(forKey: id) else { return [] }
        conclude(pending.message, id: id, topic: pending.topic, source: pending.source, result: result, now: now)
        return flush()
    }

    private mutating func conclude(
        _ message: PubSubMessage, id: MessageID, topic: String, source peer: PeerID, result: ValidationResult, now: GossipSubTime
    ) {
        switch result {
        case .reject:
            invalidMessages += 1
            scores.rejectMessage(id, topic: topic, from: peer, now: now)
        case .ignore:
            scores.ignoreMessage(id, from: peer, now: now)
        case .accept:
            messageCache.put(message, id: id, topic: topic)
            scores.deliverMessage(id, topic: topic, from: peer, now: now)
            actions.append(.deliver(message, id: id, receivedFrom: peer))
            // Only to our current mesh: we may have left the topic while validating.
            if mesh[topic] != nil { forward(message, topic: topic, receivedFrom: peer) }
        }
    }

    /// Forwards a new valid message to FloodSub peers in the topic and to the mesh, never
    /// back to the peer it came from or to its author.
    private mutating func forward(_ message: PubSubMessage, topic: String, receivedFrom source: PeerID) {
        var targets = floodTargets(topic)
        targets.formUnion(mesh[topic] ?? [])
        targets.remove(source)
        for peer in targets.sorted(by: peerOrder) where peer.bytes != message.authorBytes {
            outbox.message(message, to: peer)
        }
    }

    // MARK: Control

    private mutating func handleControl(_ control: PubSubRPC.Control, from peer: PeerID, now: GossipSubTime) {
        let gossipAllowed = scores.score(of: peer, now: now) >= configuration.score.gossipThreshold
        if gossipAllowed {
            handleIWant(control.iwant, from: peer)
            handleIHave(control.ihave, from: peer, now: now)
        }
        handleGraft(control.graft, from: peer, now: now)
        handlePrune(control.prune, from: peer, now: now)
    }

    private mutating func handleIHave(_ ihaves: [PubSubRPC.IHave], from peer: PeerID, now: GossipSubTime) {
        var wanted: [MessageID] = []
        var wantedSet: Set<MessageID> = []
        for ihave in ihaves {
            guard var state = peers[peer] else { return }
            state.ihaveReceived += 1
            peers[peer] = state
            guard state.ihaveReceived <= configuration.maxIHaveMessages else { break }
            guard mesh[ihave.topic] != nil else { continue }
            for id in ihave.ids where !seen.contains(id, now: now) && !wantedSet.contains(id) && promises[id] == nil {
                guard state.iwantSent + wanted.count < configuration.maxIHaveLength else { break }
                wanted.append(id)
                wantedSet.insert(id)
            }
        }
        guard !wanted.isEmpty else { return }
        peers[peer]?.iwantSent += wanted.count
        // Track one random ID per IWANT: if it never arrives, the advertiser broke its promise.
        if let tracked = wanted.randomElement(using: &random) {
            promises[tracked] = (peer, now + configuration.iwantFollowupTime)
        }
        outbox.iwant(wanted, to: peer)
    }

    private mutating func handleIWant(_ ids: [MessageID], from peer: PeerID) {
        for id in ids {
            guard let state = peers[peer], state.iwantAnswered < configuration.maxIWantAnswers else { return }
            guard let message = messageCache.getForPeer(id, peer: peer, limit: configuration.gossipRetransmission) else {
                continue
            }
            peers[peer]?.iwantAnswered += 1
            outbox.message(message, to: peer)
        }
    }

    private mutating func handleGraft(_ topics: [String], from peer: PeerID, now: GossipSubTime) {
        for topic in topics {
            // v1.1 spam protection: GRAFTs for topics we did not join are ignored.
            guard let members = mesh[topic], !members.contains(peer), let state = peers[peer] else { continue }
            if configuration.directPeers.contains(peer) {
                // Grafting a direct peer is an error: refuse with a plain PRUNE.
                outbox.prune(PubSubRPC.Prune(topic: topic), to: peer)
                continue
            }
            if let until = backoff[topic]?[peer], now < until {
                // Regrafting during backoff: P₇ penalty, and the backoff starts again.
                scores.addPenalty(peer)
                addBackoff(peer, topic: topic, duration: configuration.pruneBackoff, now: now)
                outbox.prune(makePrune(for: peer, topic: topic, peerExchange: false, unsubscribing: false, now: now), to: peer)
                continue
            }
            let score = scores.score(of: peer, now: now)
            if score < 0 || (members.count >= configuration.dHigh && !state.outbound) {
                addBackoff(peer, topic: topic, duration: configuration.pruneBackoff, now: now)
                outbox.prune(makePrune(for: peer, topic: topic, peerExchange: score >= 0, unsubscribing: false, now: now), to: peer)
                continue
            }
            mesh[topic]?.insert(peer)
            scores.graft(peer, topic: topic, now: now)
        }
    }

    private mutating func handlePrune(_ prunes: [PubSubRPC.Prune], from peer: PeerID, now: GossipSubTime) {
        for prune in prunes {
            guard mesh[prune.topic] != nil else { continue }
            if mesh[prune.topic]?.remove(peer) != nil { scores.prune(peer, topic: prune.topic, now: now) }
            // A hostile backoff can only keep us away from that peer; cap it at a day.
            let seconds = prune.backoffSeconds.map { min($0, 86_400) }
            let duration: Duration = seconds.map { .seconds(Int64($0)) } ?? configuration.pruneBackoff
            addBackoff(peer, topic: prune.topic, duration: duration, now: now)
            if !prune.peers.isEmpty, scores.score(of: peer, now: now) >= configuration.score.acceptPXThreshold {
                let offered = prune.peers.filter { $0.peer != localPeer && peers[$0.peer] == nil }
                if !offered.isEmpty {
                    actions.append(.peerExchange(topic: prune.topic, peers: Array(offered.prefix(configuration.prunePeers)), from: peer))
                }
            }
        }
    }
}
