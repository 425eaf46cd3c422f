import LibP2PCore

/// What the router asks its I/O shell to do. Actions come in the order they must be
/// carried out.
public enum GossipSubAction: Sendable, Equatable {
    /// Write one RPC to the peer's outgoing pubsub stream, prefixed with its length as an
    /// unsigned varint (see ``PubSubRPC/framedBytes()``), then call
    /// ``GossipSubRouter/sendCompleted(to:)``. `rpc` is the unframed `RPC` protobuf.
    case send(to: PeerID, rpc: [UInt8])
    /// Hand a new, valid message to the application.
    case deliver(PubSubMessage, id: MessageID, receivedFrom: PeerID)
    /// With ``GossipSubConfiguration/deferredValidation``: validate this new message (it
    /// passed the signature policy) and report with ``GossipSubRouter/reportValidation(_:result:now:)``.
    case validate(PubSubMessage, id: MessageID, receivedFrom: PeerID)
    /// A peer we accept peer exchange from pruned us and offered other peers in the topic;
    /// the shell may connect to some of them (addresses from their signed records or discovery).
    case peerExchange(topic: String, peers: [PubSubRPC.PeerExchangeEntry], from: PeerID)
}
