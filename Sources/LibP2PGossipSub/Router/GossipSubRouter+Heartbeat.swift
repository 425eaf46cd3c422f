import LibP2PCore

extension GossipSubRouter {
    /// The heartbeat (gossipsub-v1.0.md "Heartbeat", v1.1 "Heartbeat Maintenance"); the
    /// shell calls it every ``GossipSubConfiguration/heartbeatInterval``.
    ///
    /// In order: score decay (once per decay interval), broken IWANT promises (P₇), expired
    /// backoffs, per-heartbeat gossip counters reset; then for each joined topic: peers with
    /// a negative score pruned, grafting up to D below D_lo, pruning down to D above D_hi
    /// (keeping D_score best by score and D_out outbound), grafting outbound peers when
    /// under D_out, and IHAVE gossip to non-mesh peers; fanout expiry and refill with gossip;
    /// finally the message cache shifts and the seen cache drops expired IDs.
    public mutating func heartbeat(now: GossipSubTime) -> [GossipSubAction] {
        heartbeatTicks += 1
        if now - lastDecay >= configuration.score.decayInterval {
            scores.decay(now: now)
            lastDecay = now
        }
        for (id, promise) in promises where promise.deadline <= now {
            promises[id] = nil
            if !seen.contains(id, now: now) { scores.addPenalty(promise.peer) }
        }
        for topic in backoff.keys {
            backoff[topic] = backoff[topic]?.filter { now < $0.value + configuration.heartbeatInterval }
            if backoff[topic]?.isEmpty == true { backoff[topic] = nil }
        }
        for peer in peers.keys {
            peers[peer]?.ihaveReceived = 0
            peers[peer]?.iwantSent = 0
            peers[peer]?.iwantAnswered = 0
        }

        for topic in mesh.keys.sorted() {
            maintainMesh(topic, now: now)
            emitGossip(topic, excluding: mesh[topic] ?? [], now: now)
        }
        for topic in fanout.keys.sorted() {
            maintainFanout(topic, now: now)
        }
        messageCache.shift()
        seen.removeExpired(now: now)
        return flush()
    }

    private mutating func maintainMesh(_ topic: String, now: GossipSubTime) {
        let d = configuration.d
        var members = mesh[topic] ?? []
        var grafts: [PeerID] = []
        var prunes: [(PeerID, Bool)] = []

        for peer in members.sorted(by: peerOrder) where scores.score(of: peer, now: now) < 0 {
            members.remove(peer)
            prunes.append((peer, false))
        }
        if members.count < configuration.dLow {
            let candidates = (topicPeers[topic] ?? []).filter { !members.contains($0) && graftable($0, topic: topic, now: now) }
            for peer in shuffled(candidates).prefix(d - members.count) {
                members.insert(peer)
                grafts.append(peer)
            }
        }
        if members.count > configuration.dHigh {
            var ordered = shuffled(members)
            let scoreOf = Dictionary(uniqueKeysWithValues: ordered.map { ($0, scores.score(of: $0, now: now)) })
            ordered.sort { scoreOf[$0]! > scoreOf[$1]! }
            let byScore = min(configuration.dScore, d)
            var keep = Array(ordered.prefix(byScore))
            var rest = Array(ordered.dropFirst(byScore))
            rest.shuffle(using: &random)
            keep += rest.prefix(d - byScore)
            var removed = Array(rest.dropFirst(d - byScore))
            let outboundKept = keep.filter { peers[$0]?.outbound == true }.count
            if outboundKept < configuration.dOut {
                let wanted = removed.filter { peers[$0]?.outbound == true }.prefix(configuration.dOut - outboundKept)
                for peer in wanted {
                    guard let victim = keep.lastIndex(where: { peers[$0]?.outbound != true }) else { break }
                    removed.append(keep.remove(at: victim))
                    keep.append(peer)
                    removed.removeAll { $0 == peer }
                }
            }
            for peer in removed {
                members.remove(peer)
                prunes.append((peer, true))
            }
        }
        if members.count >= configuration.dLow {
            let outbound = members.filter { peers[$0]?.outbound == true }.count
            if outbound < configuration.dOut {
                let candidates = (topicPeers[topic] ?? []).filter { peer in
                    !members.contains(peer) && peers[peer]?.outbound == true && graftable(peer, topic: topic, now: now)
                }
                for peer in shuffled(candidates).prefix(configuration.dOut - outbound) {
                    members.insert(peer)
                    grafts.append(peer)
                }
            }
        }

        let ticks = max(1, configuration.opportunisticGraftTicks)
        if heartbeatTicks % ticks == 0 && members.count > 1 {
            for peer in opportunisticGrafts(topic, members: members, now: now) {
                members.insert(peer)
                grafts.append(peer)
            }
        }

        mesh[topic] = members
        for peer in grafts {
            scores.graft(peer, topic: topic, now: now)
            outbox.graft(topic, to: peer)
        }
        for (peer, peerExchange) in prunes {
            scores.prune(peer, topic: topic, now: now)
            addBackoff(peer, topic: topic, duration: configuration.pruneBackoff, now: now)
            outbox.prune(makePrune(for: peer, topic: topic, peerExchange: peerExchange, unsubscribing: false, now: now), to: peer)
        }
    }

    /// Opportunistic grafting (gossipsub-v1.1.md): when the mesh's median score is under
    /// the threshold, up to ``GossipSubConfiguration/opportunisticGraftPeers`` peers scoring
    /// above the median.
    private mutating func opportunisticGrafts(_ topic: String, members: Set<PeerID>, now: GossipSubTime) -> [PeerID] {
        let sorted = members.map { scores.score(of: $0, now: now) }.sorted()
        let median = sorted[sorted.count / 2]
        guard median < configuration.score.opportunisticGraftThreshold else { return [] }
        let candidates = (topicPeers[topic] ?? []).filter { peer in
            !members.contains(peer) && graftable(peer, topic: topic, now: now) && scores.score(of: peer, now: now) > median
        }
        return Array(shuffled(candidates).prefix(configuration.opportunisticGraftPeers))
    }

    private mutating func maintainFanout(_ topic: String, now: GossipSubTime) {
        if let last = fanoutLastPublished[topic], now - last > configuration.fanoutTTL {
            fanout[topic] = nil
            fanoutLastPublished[topic] = nil
            return
        }
        let threshold = configuration.score.publishThreshold
        var members = (fanout[topic] ?? []).filter { peer in
            peers[peer]?.topics.contains(topic) == true && scores.score(of: peer, now: now) >= threshold
        }
        if members.count < configuration.d {
            let candidates = (topicPeers[topic] ?? []).filter { peer in
                !members.contains(peer) && peers[peer]?.protocolID.isGossipSub == true
                    && !configuration.directPeers.contains(peer) && scores.score(of: peer, now: now) >= threshold
            }
            members.formUnion(shuffled(candidates).prefix(configuration.d - members.count))
        }
        fanout[topic] = members
        emitGossip(topic, excluding: members, now: now)
    }

    /// IHAVE for the topic's recent message IDs to max(D_lazy, gossipFactor × eligible)
    /// random peers outside `excluded` that score at least the gossip threshold.
    private mutating func emitGossip(_ topic: String, excluding excluded: Set<PeerID>, now: GossipSubTime) {
        var ids = messageCache.gossipIDs(topic: topic)
        guard !ids.isEmpty else { return }
        let eligible = (topicPeers[topic] ?? []).filter { peer in
            !excluded.contains(peer) && peers[peer]?.protocolID.isGossipSub == true
                && !configuration.directPeers.contains(peer) && scores.score(of: peer, now: now) >= configuration.score.gossipThreshold
        }
        guard !eligible.isEmpty else { return }
        let count = max(configuration.dLazy, Int(configuration.gossipFactor * Double(eligible.count)))
        if ids.count > configuration.maxIHaveLength {
            ids.shuffle(using: &random)
            ids = Array(ids.prefix(configuration.maxIHaveLength))
        }
        for peer in shuffled(eligible).prefix(count) {
            outbox.ihave(PubSubRPC.IHave(topic: topic, ids: ids), to: peer)
        }
    }
}
