import LibP2PCore

/// An in-memory network of ``KadNode``s driven by a seeded generator: nodes join one after
/// another through a bootstrap peer, refresh their tables with random lookups, a fraction of
/// them then dies without anyone being told (churn), and random-key FIND_NODE lookups from
/// live nodes measure success and hops.
///
/// Requests go from node to node as ``KadMessage`` values (or as encoded bytes with
/// ``Parameters/throughWire``); a request to a dead node fails as a timeout would, and the
/// asking node drops it from its table. Liveness checks are answered at once with the truth.
///
/// A lookup succeeds when its result contains the live node closest to the key; its hop
/// count is the number of sequential requests on the path that discovered and reached that
/// node (1 if it was in the initiator's own table).
public struct KadSimulation: Sendable {
    /// What to simulate.
    public struct Parameters: Sendable {
        /// Number of nodes.
        public var nodeCount: Int
        /// Fraction of nodes dead after bootstrap, 0...1.
        public var churn: Double = 0
        /// Number of measured lookups.
        public var lookups: Int = 1000
        /// Fraction of nodes in client mode, 0...1 (they look up but are never in tables).
        public var clientFraction: Double = 0
        /// Random refresh lookups per node after everyone joined.
        public var refreshLookupsPerNode: Int = 1
        /// The random seed.
        public var seed: UInt64 = 1
        /// Encode and decode every message (slower; exercises the codec).
        public var throughWire = false
        /// Node parameters.
        public var configuration = KadConfiguration()

        /// Parameters for `nodeCount` nodes.
        public init(nodeCount: Int) {
            self.nodeCount = nodeCount
        }
    }

    /// What was measured.
    public struct Report: Sendable, CustomStringConvertible {
        /// Number of nodes, and of dead ones.
        public var nodeCount = 0, deadCount = 0
        /// Measured lookups and how many succeeded.
        public var lookups = 0, successes = 0
        /// Hop counts of successful lookups, sorted.
        public var hops: [Int] = []
        /// Requests sent by the measured lookups.
        public var requests = 0
        /// Of the k live nodes closest to each key, how many each lookup returned, summed.
        public var closestFound = 0, closestExpected = 0
        /// Client-mode nodes found in any routing table (must be 0).
        public var clientsInTables = 0
        /// Mean routing table size after bootstrap.
        public var meanTableSize = 0.0

        /// successes / lookups.
        public var successRate: Double { lookups == 0 ? 0 : Double(successes) / Double(lookups) }
        /// The median hop count.
        public var medianHops: Double {
            guard !hops.isEmpty else { return 0 }
            let middle = hops.count / 2
            return hops.count % 2 == 1 ? Double(hops[middle]) : Double(hops[middle - 1] + hops[middle]) / 2
        }
        /// The 95th percentile hop count.
        public var p95Hops: Int {
            hops.isEmpty ? 0 : hops[min(hops.count - 1, Int((Double(hops.count) * 0.95).rounded(.up)) - 1)]
        }
        /// Mean requests per lookup.
        public var meanRequests: Double { lookups == 0 ? 0 : Double(requests) / Double(lookups) }

        /// One line of figures.
        public var description: String {
            let recall = closestExpected == 0 ? 0 : Double(closestFound) / Double(closestExpected)
            return "N=\(nodeCount) dead=\(deadCount) lookups=\(lookups) success=\(successes) "
                + "(\(fixed(successRate * 100, 2))%) medianHops=\(medianHops) p95Hops=\(p95Hops) "
                + "maxHops=\(hops.last ?? 0) requests/lookup=\(fixed(meanRequests, 1)) "
                + "k-closest recall=\(fixed(recall, 3)) meanTable=\(fixed(meanTableSize, 1))"
        }
    }

    private var nodes: [KadNode] = []
    private var keys: [KadKey] = []
    private var indexOf: [PeerID: Int] = [:]
    private var alive: [Bool] = []
    private var random: SeededGenerator
    private var now = KadTimestamp.zero
    private let parameters: Parameters

    /// Runs a whole simulation.
    ///
    /// - Parameter parameters: What to simulate.
    /// - Returns: The figures.
    public static func run(_ parameters: Parameters) -> Report {
        var simulation = KadSimulation(parameters)
        simulation.bootstrap()
        simulation.kill(fraction: parameters.churn)
        return simulation.measure(lookups: parameters.lookups)
    }

    /// A network of `parameters.nodeCount` nodes that know nobody yet.
    ///
    /// - Parameter parameters: What to simulate.
    public init(_ parameters: Parameters) {
        self.parameters = parameters
        random = SeededGenerator(seed: parameters.seed)
        let validator = NamespacedRecordValidator(["sim": FirstWriteWinsValidator()])
        let clientCount = Int((Double(parameters.nodeCount) * parameters.clientFraction).rounded())
        for index in 0..<parameters.nodeCount {
            let peer = PeerID(ed25519PublicKey: random.bytes(32))
            // Node 0 is the first introducer and stays a server; the last nodes are clients.
            let mode: KadNode.Mode = index >= parameters.nodeCount - clientCount && index > 0 ? .client : .server
            nodes.append(KadNode(localPeer: peer, mode: mode, validator: validator, configuration: parameters.configuration))
            keys.append(KadKey(peer: peer))
            indexOf[peer] = index
            alive.append(true)
        }
    }

    /// Joins every node through a random earlier server (a self lookup each), then runs
    /// ``Parameters/refreshLookupsPerNode`` random lookups per node.
    public mutating func bootstrap() {
        var joined = [0]
        for index in 1..<max(1, nodes.count) {
            let introducer = joined[Int(random.next() % UInt64(joined.count))]
            seen(introducer, by: index)
            _ = runLookup(from: index, key: nodes[index].localPeer.bytes)
            if nodes[index].mode == .server { joined.append(index) }
        }
        for _ in 0..<parameters.refreshLookupsPerNode {
            for index in nodes.indices {
                _ = runLookup(from: index, key: random.bytes(32))
            }
        }
    }

    /// Kills a fraction of all nodes, chosen at random among the living, without telling anyone.
    ///
    /// - Parameter fraction: 0...1 of the node count.
    public mutating func kill(fraction: Double) {
        let deadCount = Int((Double(nodes.count) * fraction).rounded())
        var order = nodes.indices.filter { alive[$0] }
        order.shuffle(using: &random)
        for index in order.prefix(deadCount) { alive[index] = false }
    }

    /// Runs random-key FIND_NODE lookups from random live nodes and reports.
    ///
    /// - Parameter lookups: How many.
    /// - Returns: The figures.
    public mutating func measure(lookups: Int) -> Report {
        var report = Report()
        report.nodeCount = nodes.count
        report.deadCount = alive.filter { !$0 }.count
        report.meanTableSize = Double(nodes.reduce(0) { $0 + $1.routingTable.count }) / Double(max(1, nodes.count))
        let clients = Set(nodes.filter { $0.mode == .client }.map(\.localPeer))
        report.clientsInTables = nodes.reduce(0) { sum, node in
            sum + node.routingTable.entries.filter { clients.contains($0.peer.id) }.count
        }
        let live = nodes.indices.filter { alive[$0] }
        let k = parameters.configuration.k
        for _ in 0..<lookups {
            let origin = live[Int(random.next() % UInt64(live.count))]
            let key = random.bytes(32)
            let target = KadKey(hashing: key)
            let expected = live.filter { $0 != origin && nodes[$0].mode == .server }
                .map { (keys[$0].distance(to: target), $0) }
                .sorted { $0.0 < $1.0 }.prefix(k).map(\.1)
            let lookup = runLookup(from: origin, key: key)
            report.lookups += 1
            report.requests += lookup.requestsSent
            let found = Dictionary(lookup.result.closest.map { ($0.peer.id, $0.hops) }, uniquingKeysWith: min)
            report.closestExpected += expected.count
            report.closestFound += expected.filter { found[nodes[$0].localPeer] != nil }.count
            if let closest = expected.first, let hops = found[nodes[closest].localPeer] {
                report.successes += 1
                report.hops.append(hops)
            }
        }
        report.hops.sort()
        return report
    }

    /// Node `observer` learns that server `subject` is alive; liveness checks resolve at once.
    private mutating func seen(_ subject: Int, by observer: Int) {
        let peer = KadPeer(id: nodes[subject].localPeer)
        if case .checkLiveness(let check)? = nodes[observer].peerSeen(peer, isServer: nodes[subject].mode == .server, now: now) {
            let pinged = indexOf[check.leastRecentlySeen].map { alive[$0] } ?? false
            nodes[observer].livenessResult(of: check.leastRecentlySeen, alive: pinged, now: now)
        }
    }

    private mutating func runLookup(from origin: Int, key: [UInt8]) -> KadLookup {
        var lookup = nodes[origin].lookup(.findNode, key: key)
        var queue: [(KadPeer, KadMessage)] = []
        while true {
            while case .query(let peer, let request) = lookup.next(now: now) {
                queue.append((peer, request))
            }
            if queue.isEmpty { return lookup }
            let (peer, request) = queue.removeFirst()
            now = now + .milliseconds(1)
            guard let target = indexOf[peer.id], alive[target] else {
                lookup.failed(peer.id, now: now)
                nodes[origin].peerUnreachable(peer.id)
                continue
            }
            guard let response = deliver(request, from: origin, to: target) else {
                lookup.failed(peer.id, now: now)
                continue
            }
            seen(origin, by: target)
            seen(target, by: origin)
            lookup.received(response, from: peer.id, now: now)
        }
    }

    private mutating func deliver(_ request: KadMessage, from origin: Int, to target: Int) -> KadMessage? {
        let sender = nodes[origin].localPeer
        guard parameters.throughWire else {
            return try? nodes[target].handle(request, from: sender, now: now)
        }
        guard let bytes = try? nodes[target].handle(requestBytes: request.serializedBytes(), from: sender, now: now) else {
            return nil
        }
        return try? KadMessage.decode(bytes)
    }
}

/// `value` with `digits` decimals (no Foundation in the core).
func fixed(_ value: Double, _ digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let scaled = Int64((value * scale).rounded())
    let whole = scaled / Int64(scale)
    let fraction = String(abs(scaled % Int64(scale)))
    let sign = scaled < 0 && whole == 0 ? "-" : ""
    guard digits > 0 else { return "\(sign)\(whole)" }
    return "\(sign)\(whole)." + String(repeating: "0", count: digits - fraction.count) + fraction
}
