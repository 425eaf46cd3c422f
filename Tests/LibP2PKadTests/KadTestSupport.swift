import LibP2PCore
import LibP2PKad

/// A deterministic peer ID for tests.
func testPeer(_ seed: UInt64) -> PeerID {
    var random = SeededGenerator(seed: seed)
    return PeerID(ed25519PublicKey: random.bytes(32))
}

/// A peer ID whose key lands in bucket `bucket` of `local`'s table (found by search).
func testPeer(inBucket bucket: Int, of local: PeerID, startingAt seed: inout UInt64) -> PeerID {
    let localKey = KadKey(peer: local)
    while true {
        seed += 1
        let peer = testPeer(seed)
        if localKey.commonPrefixLength(with: KadKey(peer: peer)) == bucket { return peer }
    }
}

let testAddress = try! Multiaddr("/ip4/127.0.0.1/tcp/4001")

/// Nodes that talk by passing encoded Message bytes to each other: no sockets.
struct TestNetwork {
    var nodes: [PeerID: KadNode] = [:]
    var now = KadTimestamp(seconds: 1_800_000_000)

    static let validator = NamespacedRecordValidator(["pk": PublicKeyRecordValidator(), "test": FirstWriteWinsValidator()])

    mutating func add(_ peer: PeerID, mode: KadNode.Mode = .server, configuration: KadConfiguration = KadConfiguration()) {
        nodes[peer] = KadNode(
            localPeer: peer, mode: mode, validator: Self.validator, localAddresses: [testAddress],
            configuration: configuration
        )
    }

    /// Sends request bytes from one node to another and returns the response bytes.
    mutating func send(_ request: KadMessage, from sender: PeerID, to receiver: PeerID) throws(KadError) -> KadMessage? {
        let bytes = request.serializedBytes()
        guard let response = try nodes[receiver]!.handle(requestBytes: bytes, from: sender, now: now) else { return nil }
        nodes[receiver]!.peerSeen(KadPeer(id: sender, addresses: [testAddress]), isServer: nodes[sender]!.mode == .server, now: now)
        return try KadMessage.decode(response)
    }

    /// Runs a lookup from `origin` to completion over bytes.
    mutating func lookup(_ kind: KadLookup.Kind, key: [UInt8], from origin: PeerID) -> KadLookup {
        var lookup = nodes[origin]!.lookup(kind, key: key)
        var queue: [(KadPeer, KadMessage)] = []
        while true {
            while case .query(let peer, let request) = lookup.next(now: now) { queue.append((peer, request)) }
            if queue.isEmpty { return lookup }
            let (peer, request) = queue.removeFirst()
            if nodes[peer.id] != nil, let response = try? send(request, from: origin, to: peer.id) {
                nodes[origin]!.peerSeen(KadPeer(id: peer.id, addresses: [testAddress]), isServer: true, now: now)
                lookup.received(response, from: peer.id, now: now)
            } else {
                lookup.failed(peer.id, now: now)
            }
        }
    }

    /// A fully meshed small network: every server knows every other server.
    static func mesh(_ count: Int) -> (TestNetwork, [PeerID]) {
        var network = TestNetwork()
        let peers = (1...UInt64(count)).map { testPeer($0 * 7919) }
        for peer in peers { network.add(peer) }
        for a in peers {
            for b in peers where a != b {
                network.nodes[a]!.peerSeen(KadPeer(id: b, addresses: [testAddress]), isServer: true, now: network.now)
            }
        }
        return (network, peers)
    }
}

extension Array where Element == UInt8 {
    init(hex: String) {
        var bytes: [UInt8] = []
        var iterator = hex.makeIterator()
        while let high = iterator.next(), let low = iterator.next() {
            bytes.append(UInt8(String([high, low]), radix: 16)!)
        }
        self = bytes
    }
}
