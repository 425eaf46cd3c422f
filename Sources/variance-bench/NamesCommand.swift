// `variance-bench names`: username resolution through the DHT between real engine processes
// on loopback (issue 5): N engines in a chain (each connects to the two before it), each
// registers a name; then engines that join later, each connected to one engine of the
// network, resolve names of engines they are not connected to. Every resolution is the
// first of that name on that engine (nothing cached).
#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import VarianceRPC

struct NamesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "names", abstract: "Username resolution latency in a network of engine processes.")

    @Option(help: "Engine processes.")
    var engines = 12

    @Option(help: "Engines that join after the names are registered and resolve them.")
    var resolvers = 6

    @Option(help: "Names each of them resolves.")
    var lookups = 8

    @Option(help: "The engine binary (default: variance-engine next to this executable).")
    var engine: String?

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        let binary = engine ?? (executableDirectory() + "/variance-engine")
        var template = Array("/tmp/variance-bench.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw BenchError("mkdtemp: \(errnoString())") }
        let work = String(cString: made)
        defer { removeTree(work) }
        var nodes: [RPCChild] = []
        defer { nodes.forEach { $0.stop() } }
        for index in 0..<engines {
            let node = try RPCChild(name: "user\(index)", binary: binary, dataDirectory: work + "/e\(index)")
            try node.createIdentity()
            for back in [1, 2] where index - back >= 0 {
                _ = try node.call("node.connect", ["multiaddr": .string(nodes[index - back].address)])
            }
            nodes.append(node)
        }
        var peerIDs: [String] = []
        for node in nodes { peerIDs.append(try node.call("node.status")["peerId"]?.stringValue ?? "") }
        for (index, node) in nodes.enumerated() { _ = try node.call("username.register", ["name": .string("user\(index)")]) }
        // Late joiners, each connected to one engine of the network only, resolve names of
        // engines they are not connected to (checked before each lookup).
        var samples: [Double] = []
        var failures = 0
        var rng = SystemRandomNumberGenerator()
        for r in 0..<resolvers {
            let resolver = try RPCChild(name: "resolver\(r)", binary: binary, dataDirectory: work + "/r\(r)")
            defer { resolver.stop() }
            try resolver.createIdentity()
            _ = try resolver.call("node.connect", ["multiaddr": .string(nodes[Int.random(in: 0..<engines, using: &rng)].address)])
            for target in (0..<engines).shuffled(using: &rng).prefix(lookups) {
                let connected = Set(
                    (try resolver.call("node.peers")["peers"]?.arrayValue ?? []).compactMap { $0["peerId"]?.stringValue })
                guard !connected.contains(peerIDs[target]) else { continue }
                let start = nowNs()
                do {
                    let resolved = try resolver.call("username.resolve", ["name": .string("user\(target)")])
                    let ms = Double(nowNs() - start) / 1e6
                    if resolved["did"]?.stringValue == nodes[target].did { samples.append(ms) } else { failures += 1 }
                } catch {
                    failures += 1
                }
            }
        }
        samples.sort()
        func at(_ p: Double) -> Double { samples.isEmpty ? 0 : samples[min(samples.count - 1, Int(Double(samples.count) * p))] }
        print("""
            username resolution, \(engines) engines in a chain (loopback); \(resolvers) late joiners, each connected to one engine, resolve names of engines they are not connected to
              \(samples.count) resolved, \(failures) failed
              latency p50 \(fmt(at(0.5), 2)) ms, p90 \(fmt(at(0.9), 2)) ms, max \(fmt(samples.last ?? 0, 2)) ms (target p50 ≤ 20 ms)
            """)
    }
}
