import LibP2PCore

/// What one event produces for each peer, gathered so that control messages ride along
/// with messages ("Control Message Piggybacking") and each peer gets as few RPCs as
/// possible, none over the size limit.
struct Outbox: Sendable {
    private var pending: [PeerID: PubSubRPC] = [:]
    private var order: [PeerID] = []

    private mutating func edit(_ peer: PeerID, _ change: (inout PubSubRPC) -> Void) {
        if pending[peer] == nil {
            pending[peer] = PubSubRPC()
            order.append(peer)
        }
        change(&pending[peer]!)
    }

    mutating func subscription(_ topic: String, subscribe: Bool, to peer: PeerID) {
        edit(peer) { $0.subscriptions.append(PubSubRPC.Subscription(topic: topic, subscribe: subscribe)) }
    }

    mutating func message(_ message: PubSubMessage, to peer: PeerID) {
        edit(peer) { $0.messages.append(message) }
    }

    mutating func graft(_ topic: String, to peer: PeerID) {
        edit(peer) { $0.control.graft.append(topic) }
    }

    mutating func prune(_ prune: PubSubRPC.Prune, to peer: PeerID) {
        edit(peer) { $0.control.prune.append(prune) }
    }

    mutating func ihave(_ ihave: PubSubRPC.IHave, to peer: PeerID) {
        edit(peer) { $0.control.ihave.append(ihave) }
    }

    mutating func iwant(_ ids: [MessageID], to peer: PeerID) {
        edit(peer) { $0.control.iwant += ids }
    }

    /// The RPCs per peer, in the order peers were first addressed; messages are split over
    /// several RPCs when one would exceed `maxSize`.
    mutating func take(maxSize: Int) -> [(PeerID, [UInt8])] {
        defer {
            pending = [:]
            order = []
        }
        var result: [(PeerID, [UInt8])] = []
        for peer in order {
            guard let rpc = pending[peer], !rpc.isEmpty else { continue }
            var current = rpc
            current.messages = []
            var currentSize = current.serializedBytes().count
            for message in rpc.messages {
                let size = message.encodedSize + 6
                if currentSize + size > maxSize && !current.isEmpty {
                    result.append((peer, current.serializedBytes()))
                    current = PubSubRPC()
                    currentSize = 0
                }
                current.messages.append(message)
                currentSize += size
            }
            if !current.isEmpty { result.append((peer, current.serializedBytes())) }
        }
        return result
    }
}
