import Foundation
import LibP2PCore
import LibP2PProtos
import SwiftProtobuf

extension PubSubRPC {
    /// Decodes and bounds one RPC (without its varint length prefix). This is also the
    /// fuzzing entry point: any input gives an RPC or a ``GossipSubError``, never a trap.
    ///
    /// Refused: input over ``GossipSubConfiguration/maxMessageSize``, broken protobuf
    /// (including topics that are not UTF-8), more than
    /// ``GossipSubConfiguration/maxEntriesPerRPC`` subscription changes, GRAFTs or PRUNEs,
    /// more than ``GossipSubConfiguration/maxMessageIDsPerRPC`` IHAVE and IWANT IDs together,
    /// an empty or overlong topic in a subscription or control message, an overlong message
    /// ID. Tolerated and dropped: peer-exchange entries whose ID is not a peer ID, entries past
    /// ``GossipSubConfiguration/prunePeers``. Messages are kept as they are; the router drops
    /// those without exactly one topic.
    ///
    /// - Parameters:
    ///   - bytes: One encoded `RPC`.
    ///   - configuration: The limits.
    /// - Throws: ``GossipSubError``.
    public static func decode(
        _ bytes: [UInt8], configuration: GossipSubConfiguration = GossipSubConfiguration()
    ) throws(GossipSubError) -> PubSubRPC {
        guard bytes.count <= configuration.maxMessageSize else {
            throw .tooLarge(size: bytes.count, limit: configuration.maxMessageSize)
        }
        let wire: Libp2p_Pubsub_RPC
        do {
            wire = try Libp2p_Pubsub_RPC(serializedBytes: bytes)
        } catch {
            throw .malformed
        }
        return try PubSubRPC(wire: wire, configuration: configuration)
    }

    /// Checks a decoded protobuf RPC (see ``decode(_:configuration:)``).
    ///
    /// - Throws: ``GossipSubError``.
    public init(wire: Libp2p_Pubsub_RPC, configuration: GossipSubConfiguration = GossipSubConfiguration()) throws(GossipSubError) {
        let limit = configuration.maxEntriesPerRPC
        let control = wire.control
        for count in [wire.subscriptions.count, control.graft.count, control.prune.count] where count > limit {
            throw .tooManyEntries(count: count, limit: limit)
        }
        let idCount = control.ihave.reduce(0) { $0 + $1.messageIds.count } + control.iwant.reduce(0) { $0 + $1.messageIds.count }
        guard idCount <= configuration.maxMessageIDsPerRPC,
            control.ihave.count <= configuration.maxMessageIDsPerRPC,
            control.iwant.count <= configuration.maxMessageIDsPerRPC
        else {
            throw .tooManyMessageIDs(count: idCount, limit: configuration.maxMessageIDsPerRPC)
        }
        func topic(_ value: String) throws(GossipSubError) -> String {
            guard !value.isEmpty, value.utf8.count <= configuration.maxTopicLength else { throw .invalidTopic }
            return value
        }
        func ids(_ values: [Data]) throws(GossipSubError) -> [MessageID] {
            var result: [MessageID] = []
            result.reserveCapacity(values.count)
            for value in values {
                guard value.count <= configuration.maxMessageIDLength else { throw .invalidMessageID }
                result.append(MessageID(Array(value)))
            }
            return result
        }
        self.init()
        for subscription in wire.subscriptions {
            subscriptions.append(Subscription(topic: try topic(subscription.topicid), subscribe: subscription.subscribe))
        }
        messages = wire.publish.map(PubSubMessage.init(wire:))
        for ihave in control.ihave {
            self.control.ihave.append(IHave(topic: try topic(ihave.topicID), ids: try ids(ihave.messageIds)))
        }
        for iwant in control.iwant {
            self.control.iwant += try ids(iwant.messageIds)
        }
        for graft in control.graft {
            self.control.graft.append(try topic(graft.topicID))
        }
        for prune in control.prune {
            var peers: [PeerExchangeEntry] = []
            for info in prune.peers where peers.count < configuration.prunePeers {
                guard let peer = try? PeerID(bytes: Array(info.peerID)) else { continue }
                let record = info.hasSignedPeerRecord && !info.signedPeerRecord.isEmpty ? Array(info.signedPeerRecord) : nil
                peers.append(PeerExchangeEntry(peer: peer, signedPeerRecord: record))
            }
            self.control.prune.append(
                Prune(topic: try topic(prune.topicID), peers: peers, backoffSeconds: prune.hasBackoff ? prune.backoff : nil)
            )
        }
    }

    /// The protobuf form.
    public var wire: Libp2p_Pubsub_RPC {
        var rpc = Libp2p_Pubsub_RPC()
        rpc.subscriptions = subscriptions.map { subscription in
            var entry = Libp2p_Pubsub_RPC.SubOpts()
            entry.subscribe = subscription.subscribe
            entry.topicid = subscription.topic
            return entry
        }
        rpc.publish = messages.map(\.wire)
        if !control.isEmpty {
            var wireControl = Libp2p_Pubsub_ControlMessage()
            wireControl.ihave = control.ihave.map { ihave in
                var entry = Libp2p_Pubsub_ControlIHave()
                entry.topicID = ihave.topic
                entry.messageIds = ihave.ids.map { Data($0.bytes) }
                return entry
            }
            if !control.iwant.isEmpty {
                var entry = Libp2p_Pubsub_ControlIWant()
                entry.messageIds = control.iwant.map { Data($0.bytes) }
                wireControl.iwant = [entry]
            }
            wireControl.graft = control.graft.map { topic in
                var entry = Libp2p_Pubsub_ControlGraft()
                entry.topicID = topic
                return entry
            }
            wireControl.prune = control.prune.map { prune in
                var entry = Libp2p_Pubsub_ControlPrune()
                entry.topicID = prune.topic
                entry.peers = prune.peers.map { exchange in
                    var info = Libp2p_Pubsub_PeerInfo()
                    info.peerID = Data(exchange.peer.bytes)
                    if let record = exchange.signedPeerRecord { info.signedPeerRecord = Data(record) }
                    return info
                }
                if let backoff = prune.backoffSeconds { entry.backoff = backoff }
                return entry
            }
            rpc.control = wireControl
        }
        return rpc
    }

    /// The encoded RPC, without a length prefix.
    public func serializedBytes() -> [UInt8] {
        // Encoding a message with only set fields of known types cannot fail.
        (try? wire.serializedBytes()) ?? []
    }

    /// The encoded RPC with its unsigned-varint length prefix, as written on a stream.
    public func framedBytes() -> [UInt8] {
        let body = serializedBytes()
        var framed = Varint.encode(UInt64(body.count))
        framed.append(contentsOf: body)
        return framed
    }
}
