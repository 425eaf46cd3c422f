import Foundation
import LibP2PCore

extension GossipSubRouter {
    /// Publishes our own message to `topic`, joined or not.
    ///
    /// With ``GossipSubConfiguration/floodPublish`` (the v1.1 default) it goes to every
    /// peer in the topic scoring at least the publish threshold; otherwise to the mesh, or
    /// to the topic's fanout (chosen now if empty and kept for
    /// ``GossipSubConfiguration/fanoutTTL``). FloodSub peers in the topic always get it. The
    /// message is cached for IWANT and marked seen; it is not delivered back to us.
    ///
    /// - Parameters:
    ///   - data: The payload.
    ///   - topic: The topic.
    ///   - now: The current time.
    /// - Returns: The message's ID and the actions.
    /// - Throws: ``GossipSubError/invalidTopic``, or ``GossipSubError/tooLarge(size:limit:)``
    ///   when one RPC carrying the message would exceed ``GossipSubConfiguration/maxMessageSize``.
    public mutating func publish(
        _ data: [UInt8], to topic: String, now: GossipSubTime
    ) throws(GossipSubError) -> (id: MessageID, actions: [GossipSubAction]) {
        guard !topic.isEmpty, topic.utf8.count <= configuration.maxTopicLength else { throw .invalidTopic }
        let message: PubSubMessage
        switch configuration.signaturePolicy {
        case .strictSign:
            message = PubSubMessage.signed(data: data, topic: topic, seqno: nextSeqno, identity: identity)
            nextSeqno &+= 1
        case .strictNoSign:
            message = PubSubMessage.unsigned(data: data, topic: topic)
        }
        let size = message.encodedSize + 6
        guard size <= configuration.maxMessageSize else { throw .tooLarge(size: size, limit: configuration.maxMessageSize) }
        let id = messageID(of: message)
        seen.insert(id, now: now)
        messageCache.put(message, id: id, topic: topic)

        var targets = floodTargets(topic)
        let threshold = configuration.score.publishThreshold
        if configuration.floodPublish {
            targets.formUnion((topicPeers[topic] ?? []).filter { scores.score(of: $0, now: now) >= threshold })
        } else if let members = mesh[topic] {
            targets.formUnion(members)
        } else {
            var members = fanout[topic] ?? []
            if members.isEmpty {
                let candidates = (topicPeers[topic] ?? []).filter { peer in
                    peers[peer]?.protocolID.isGossipSub == true && !configuration.directPeers.contains(peer)
                        && scores.score(of: peer, now: now) >= threshold
                }
                members = Set(shuffled(candidates).prefix(configuration.d))
                fanout[topic] = members
            }
            fanoutLastPublished[topic] = now
            targets.formUnion(members)
        }
        for peer in targets.sorted(by: peerOrder) { outbox.message(message, to: peer) }
        return (id, flush())
    }
}
