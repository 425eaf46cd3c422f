import Crypto
import LibP2PCore
import LibP2PGossipSub
import Testing

/// A deterministic Ed25519 identity for tests.
func testIdentity(_ seed: UInt64) -> Curve25519.Signing.PrivateKey {
    var random = GossipSubRandom(seed: seed &* 0x1_0000_0001)
    return try! Curve25519.Signing.PrivateKey(rawRepresentation: random.bytes(32))
}

func peerID(of identity: Curve25519.Signing.PrivateKey) -> PeerID {
    PeerID(ed25519PublicKey: Array(identity.publicKey.rawRepresentation))
}

/// Routers that talk by passing encoded RPC bytes to each other through a FIFO queue, with
/// simulated time: no sockets, no clocks.
struct TestNetwork {
    var nodes: [PeerID: GossipSubRouter] = [:]
    var order: [PeerID] = []
    var now = GossipSubTime(seconds: 1_000)
    /// Messages delivered to each node's application, in order.
    var delivered: [PeerID: [MessageID]] = [:]
    /// Every RPC that crossed the network: (from, to, decoded).
    var log: [(from: PeerID, to: PeerID, rpc: PubSubRPC)] = []
    /// Return true to lose an RPC on the way.
    var drop: (PeerID, PeerID, PubSubRPC) -> Bool = { _, _, _ in false }
    private var queue: [(from: PeerID, to: PeerID, bytes: [UInt8])] = []

    init(count: Int, configuration: GossipSubConfiguration = GossipSubConfiguration(), seed: UInt64 = 1) {
        for index in 0..<count {
            let identity = testIdentity(seed &* 1000 &+ UInt64(index))
            let router = GossipSubRouter(identity: identity, configuration: configuration, seed: seed &+ UInt64(index), now: now)
            nodes[router.localPeer] = router
            order.append(router.localPeer)
            delivered[router.localPeer] = []
        }
    }

    subscript(_ index: Int) -> GossipSubRouter { nodes[order[index]]! }

    /// `a` dials `b`.
    mutating func connect(_ a: Int, _ b: Int) {
        let (pa, pb) = (order[a], order[b])
        guard nodes[pa]!.connectedPeers.contains(pb) == false else { return }
        handle(nodes[pa]!.addPeer(pb, protocol: .meshsubV11, outbound: true, now: now), at: pa)
        handle(nodes[pb]!.addPeer(pa, protocol: .meshsubV11, outbound: false, now: now), at: pb)
    }

    /// Connects every node to `degree` random others (plus a ring, so the graph is connected).
    mutating func connectRandomly(degree: Int, seed: UInt64) {
        var random = GossipSubRandom(seed: seed)
        for index in order.indices { connect(index, (index + 1) % order.count) }
        for index in order.indices {
            var attempts = 0
            while nodes[order[index]]!.connectedPeers.count < degree && attempts < 100 {
                attempts += 1
                let other = Int(random.next() % UInt64(order.count))
                if other != index { connect(index, other) }
            }
        }
    }

    mutating func handle(_ actions: [GossipSubAction], at node: PeerID) {
        for action in actions {
            switch action {
            case .send(let to, let rpc): queue.append((node, to, rpc))
            case .deliver(_, let id, _): delivered[node, default: []].append(id)
            case .peerExchange, .validate: break
            }
        }
    }

    mutating func subscribeAll(_ topic: String) {
        for peer in order { handle(nodes[peer]!.subscribe(topic, now: now), at: peer) }
        settle()
    }

    mutating func publish(_ data: [UInt8], topic: String, from index: Int) -> MessageID {
        let (id, actions) = try! nodes[order[index]]!.publish(data, to: topic, now: now)
        handle(actions, at: order[index])
        settle()
        return id
    }

    /// Delivers queued RPCs until none is left.
    mutating func settle() {
        var steps = 0
        while !queue.isEmpty && steps < 1_000_000 {
            steps += 1
            let (from, to, bytes) = queue.removeFirst()
            nodes[from]!.sendCompleted(to: to)
            let rpc = try! PubSubRPC.decode(bytes)
            if drop(from, to, rpc) { continue }
            log.append((from, to, rpc))
            guard nodes[to] != nil else { continue }
            do {
                handle(try nodes[to]!.receive(bytes, from: from, now: now), at: to)
            } catch {
                Issue.record("node refused an RPC: \(error)")
            }
        }
    }

    /// Advances time by one heartbeat interval and runs every node's heartbeat.
    mutating func heartbeat(times: Int = 1) {
        for _ in 0..<times {
            now = now + .seconds(1)
            for peer in order { handle(nodes[peer]!.heartbeat(now: now), at: peer) }
            settle()
        }
    }
}

/// A hand-driven peer: a key, and helpers to build the RPC bytes it sends.
struct ScriptedPeer {
    let identity: Curve25519.Signing.PrivateKey
    var seqno: UInt64 = 1
    var id: PeerID { peerID(of: identity) }

    init(seed: UInt64) {
        identity = testIdentity(seed)
    }

    mutating func message(_ data: [UInt8], topic: String) -> PubSubMessage {
        defer { seqno += 1 }
        return PubSubMessage.signed(data: data, topic: topic, seqno: seqno, identity: identity)
    }

    static func rpc(
        subscribe: [String] = [], messages: [PubSubMessage] = [], ihave: [PubSubRPC.IHave] = [], iwant: [MessageID] = [],
        graft: [String] = [], prune: [PubSubRPC.Prune] = []
    ) -> [UInt8] {
        var rpc = PubSubRPC()
        rpc.subscriptions = subscribe.map { PubSubRPC.Subscription(topic: $0, subscribe: true) }
        rpc.messages = messages
        rpc.control.ihave = ihave
        rpc.control.iwant = iwant
        rpc.control.graft = graft
        rpc.control.prune = prune
        return rpc.serializedBytes()
    }
}

/// The RPCs among `actions` sent to `peer`, decoded.
func sent(_ actions: [GossipSubAction], to peer: PeerID) -> [PubSubRPC] {
    actions.compactMap { action in
        guard case .send(let to, let bytes) = action, to == peer else { return nil }
        return try? PubSubRPC.decode(bytes)
    }
}

/// The messages among `actions` delivered to the application.
func deliveries(_ actions: [GossipSubAction]) -> [PubSubMessage] {
    actions.compactMap { action in
        guard case .deliver(let message, _, _) = action else { return nil }
        return message
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
