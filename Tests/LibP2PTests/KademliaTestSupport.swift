import Crypto
import LibP2P
import LibP2PCore
import LibP2PKad
import Logging

/// One swarm on 127.0.0.1 with its Kademlia service, for the Kademlia suites.
struct KadTestNode: Sendable {
    let swarm: Swarm
    let kad: Kademlia
    /// The listen address, without `/p2p`.
    let address: Multiaddr

    var peer: PeerID { swarm.localPeer }
    var bootstrapEntry: (PeerID, Multiaddr) { (peer, address) }

    /// The validator of the tests: `/variance/` first-write-wins (as the py-libp2p peer) and `/pk/`.
    static let validator = NamespacedRecordValidator([
        "variance": FirstWriteWinsValidator(), "pk": PublicKeyRecordValidator(),
    ])

    /// A listening swarm and a started Kademlia service that reads the swarm's events.
    static func make(
        mode: KadNode.Mode = .server, k: Int = 20, identity: Curve25519.Signing.PrivateKey = .init()
    ) async throws -> KadTestNode {
        var logger = Logger(label: "kademlia-test")
        logger.logLevel = .error
        let swarm = Swarm(identity: identity, logger: logger)
        let address = try await swarm.listen(on: Multiaddr("/ip4/127.0.0.1/tcp/0"))
        var configuration = KademliaConfiguration()
        configuration.mode = mode
        configuration.validator = validator
        configuration.kad.k = k
        let kad = Kademlia(swarm: swarm, configuration: configuration)
        await kad.start(following: swarm.events)
        return KadTestNode(swarm: swarm, kad: kad, address: address)
    }

    func close() async {
        await kad.shutdown()
        await swarm.close()
    }
}

/// Waits until `condition` holds, polling every 50 ms for at most `seconds` (generous: the
/// machine is small and shared). Returns whether it came true.
func kadEventually(seconds: Int = 30, _ condition: () async -> Bool) async -> Bool {
    for _ in 0..<(seconds * 20) {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return await condition()
}

/// A `/variance/` test key unique to one run.
func kadTestKey(_ name: String) -> [UInt8] {
    Array("/variance/test/\(name)/\(UInt64.random(in: 0...UInt64.max))".utf8)
}

/// A multihash (sha2-256) key, as go-libp2p expects for providers.
func kadMultihashKey(_ text: String) -> [UInt8] {
    [0x12, 0x20] + Array(SHA256.hash(data: Array(text.utf8)))
}
