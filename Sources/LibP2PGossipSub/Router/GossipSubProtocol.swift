/// The pubsub protocol a peer's stream was negotiated with. The shell registers and offers
/// them in this order of preference: `/meshsub/1.1.0`, `/meshsub/1.0.0`, `/floodsub/1.0.0`.
public enum GossipSubProtocol: String, Sendable, Hashable, CaseIterable {
    /// GossipSub v1.1: PRUNE carries peer exchange and backoff.
    case meshsubV11 = "/meshsub/1.1.0"
    /// GossipSub v1.0: no peer exchange, no backoff on the wire.
    case meshsubV10 = "/meshsub/1.0.0"
    /// FloodSub: gets every message of its topics, never in a mesh, no control messages.
    case floodsub = "/floodsub/1.0.0"

    /// Whether the peer takes part in meshes and gossip.
    public var isGossipSub: Bool { self != .floodsub }

    /// Whether PRUNE may carry peer exchange and backoff to this peer.
    public var supportsPeerExchange: Bool { self == .meshsubV11 }
}
