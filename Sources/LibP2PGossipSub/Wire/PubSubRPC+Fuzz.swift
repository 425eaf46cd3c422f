import Crypto
import LibP2PCore

extension PubSubRPC {
    /// A fuzzing entry point: decodes `bytes` as an RPC and hands them to a router with one
    /// peer in a joined topic. Malformed input only produces errors; whatever decodes must
    /// survive an encode and decode unchanged, and a broken round trip traps (that is a bug
    /// worth finding).
    ///
    /// - Parameter bytes: Arbitrary input.
    public static func fuzz(_ bytes: [UInt8]) {
        if let rpc = try? PubSubRPC.decode(bytes) {
            precondition((try? PubSubRPC.decode(rpc.serializedBytes())) == rpc, "pubsub RPC round trip failed")
        }
        var router = GossipSubRouter(identity: fuzzIdentity, seed: 1, now: .zero)
        for topic in ["t", "variance/test"] { _ = router.subscribe(topic, now: .zero) }
        _ = router.addPeer(fuzzPeer, protocol: .meshsubV11, outbound: false, now: .zero)
        _ = try? router.receive(bytes, from: fuzzPeer, now: .zero)
        _ = router.heartbeat(now: GossipSubTime(seconds: 1))
    }

    private static let fuzzIdentity = try! Curve25519.Signing.PrivateKey(rawRepresentation: [UInt8](repeating: 1, count: 32))
    private static let fuzzPeer = PeerID(ed25519PublicKey: [UInt8](repeating: 2, count: 32))
}
