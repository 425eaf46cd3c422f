// `variance-bench libp2p`: connection set-ups, ping round trips and single-stream throughput
// of our libp2p (TCP + Noise + yamux) beside py-libp2p 0.8.1, Swift↔Swift, Python↔Python and
// Swift↔Python both ways, in one run; and the ChaCha20-Poly1305 speed of this CPU, the
// ceiling of one stream. See docs/PERFORMANCE.md, section "libp2p".
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import ArgumentParser
import VarianceRPC

struct LibP2PCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "libp2p",
        abstract: "Connection set-ups, ping and one-stream throughput of our libp2p beside py-libp2p.",
        discussion: """
            Spawns four peers: a Swift server and client (this executable with --serve and \
            --client) and a py-libp2p server and client (Tests/Interop/pybench.py in \
            .venv-interop; scripts/interop-venv.sh makes it). Every pair client → server is \
            measured with the same commands, pairs interleaved in each round. All traffic stays \
            on 127.0.0.1; every wait is bounded.
            """)

    @Option(help: "Rounds; the pairs take turns within each.")
    var rounds = 3

    @Option(help: "Connection set-ups per round, per pair, for each concurrency.")
    var setups = 400

    @Option(help: "Set-ups in flight in the concurrent set-up figure.")
    var concurrency = 8

    @Option(help: "Timed pings per round (on one stream, after the warm-up).")
    var pings = 1_000

    @Option(help: "Pings before the timed ones, on the same stream.")
    var warmup = 100

    @Option(help: "Bytes written into the sink per round.")
    var bytes = 256 * 1024 * 1024

    @Option(help: "Bytes per write into the sink.")
    var chunk = 1024 * 1024

    @Option(help: "Seconds any one command may take before the run fails.")
    var timeout = 120.0

    @Option(help: "The virtualenv's python (default: .venv-interop/bin/python in the repository).")
    var python: String?

    @Option(help: "Tests/Interop/pybench.py (default: found from here or from this executable).")
    var pybench: String?

    @Flag(help: "Only the Swift pair (no Python).")
    var skipPython = false

    @Flag(help: "Print machine-readable results (JSON) on stdout instead of the table.")
    var json = false

    @Flag(help: "Keep the temporary directory (the peers' stderr).")
    var keep = false

    @Flag(help: .hidden) var serve = false
    @Flag(help: .hidden) var client = false
    @Option(help: .hidden) var clientWorkers = 8

    func validate() throws {
        guard rounds >= 1, setups >= 1, concurrency >= 1, pings >= 1, warmup >= 0, bytes >= 1, chunk >= 1, timeout > 0 else {
            throw ValidationError("--rounds, --setups, --concurrency, --pings, --bytes, --chunk and --timeout must be positive.")
        }
    }

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        if serve { return try runLibP2PServer(timeout: timeout) }
        if client { return try runLibP2PClient(timeout: timeout, workers: clientWorkers) }
        try orchestrate()
    }

    // MARK: The run

    private func orchestrate() throws {
        let machine = Machine.current()
        let exe = executablePath()
        var template = Array("/tmp/variance-bench.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw BenchError("mkdtemp: \(errnoString())") }
        let work = String(cString: made)
        defer {
            if keep { note("kept \(work)") } else { removeTree(work) }
        }

        var py: (python: String, script: String, version: String)?
        if !skipPython {
            let (pythonPath, script) = try findPython()
            let version = firstLine(
                of: [pythonPath, "-c", "import sys; from importlib.metadata import version; print('py-libp2p', version('libp2p') + ',', 'trio', version('trio') + ',', 'Python', sys.version.split()[0])"],
                environment: environment(overriding: []), scratch: work + "/version.stderr") ?? "?"
            py = (pythonPath, script, version)
        }

        // 1. The cipher's speed, before any peer runs.
        note("ChaCha20-Poly1305: 64 KiB buffers, 5 rounds")
        let chacha = try ChaChaSpeed.measure()
        var pyChaCha: JSON?
        if let py {
            let child = try Child(argv: [py.python, py.script, "chacha", "1.5"], environment: environment(overriding: []), stderrPath: work + "/chacha.stderr")
            child.closeInput()
            if let line = try child.reader.nextLine(deadline: nowNs() + 60_000_000_000) {
                pyChaCha = try? JSONParser.parse(buffer: line.bindMemory(to: UInt8.self))
            }
            child.finish()
        }

        // 2. The peers.
        let env = environment(overriding: [])
        var servers: [LibP2PImpl: BenchPeer] = [:]
        var clients: [LibP2PImpl: BenchPeer] = [:]
        let t = String(Int(timeout))
        servers[.swift] = try BenchPeer(.swift, role: "server", argv: [exe, "libp2p", "--serve", "--timeout", t], env: env, work: work)
        clients[.swift] = try BenchPeer(
            .swift, role: "client", argv: [exe, "libp2p", "--client", "--timeout", t, "--client-workers", String(concurrency)], env: env, work: work)
        if let py {
            servers[.python] = try BenchPeer(.python, role: "server", argv: [py.python, py.script, "serve"], env: env, work: work)
            clients[.python] = try BenchPeer(
                .python, role: "client", argv: [py.python, py.script, "client", "--timeout", t, "--hosts", String(concurrency)], env: env, work: work)
        }
        var addresses: [LibP2PImpl: String] = [:]
        for (impl, server) in servers {
            let line = try server.readLine(deadlineNs: nowNs() + 60_000_000_000)
            guard line["event"]?.stringValue == "listening", let addr = line["addr"]?.stringValue else {
                throw BenchError("\(server.name) did not start: \(line.compactString)\n\(tail(server.stderrPath))")
            }
            addresses[impl] = addr
        }
        for client in clients.values {
            let line = try client.readLine(deadlineNs: nowNs() + 60_000_000_000)
            guard line["event"]?.stringValue == "ready" else {
                throw BenchError("\(client.name) did not start: \(line.compactString)\n\(tail(client.stderrPath))")
            }
        }

        let pairs: [LibP2PPair] =
            py == nil
            ? [LibP2PPair(client: .swift, server: .swift)]
            : [
                LibP2PPair(client: .swift, server: .swift), LibP2PPair(client: .python, server: .python),
                LibP2PPair(client: .swift, server: .python), LibP2PPair(client: .python, server: .swift),
            ]
        let results = pairs.map { LibP2PPairResults(pair: $0) }

        /// Runs one command of `pair` and waits until the server has no connection left;
        /// CPU ticks of both peers are read around both. A command the client reports as
        /// failed is recorded against the pair (and the run goes on); nil then.
        func run(_ r: LibP2PPairResults, _ command: String) throws -> (JSON, clientTicks: Int, serverTicks: Int)? {
            let client = clients[r.pair.client]!
            let server = servers[r.pair.server]!
            let c0 = client.cpuTicks
            let s0 = server.cpuTicks
            let name = String(command.split(separator: " ").first ?? "")
            var answer: JSON?
            do {
                answer = try client.command(command, timeoutNs: UInt64((timeout + 10) * 1e9))
            } catch let error as PeerCommandError {
                r.failedCommands.append("\(name): \(error.message)")
                note("\(r.pair.label): \(name) failed: \(error.message)")
            }
            if try !server.waitForNoConnections(timeoutNs: 15_000_000_000) {
                r.notes.append("\(name): connections still open on the server 15 s after the client finished")
            }
            guard let answer else { return nil }
            return (answer, client.cpuTicks - c0, server.cpuTicks - s0)
        }
        func address(_ r: LibP2PPairResults) -> String { addresses[r.pair.server]! }

        // 3. Warm-up: a few set-ups and a short sink per pair, not recorded.
        note("warm-up: 20 set-ups and 8 MiB per pair")
        for r in results {
            _ = try run(r, "setups \(address(r)) 20 1")
            _ = try run(r, "sink \(address(r)) \(8 << 20) \(chunk)")
        }

        // 4. Rounds; within each figure, the pairs take turns (rotated each round). The TCP
        // floor of the ping figure is measured after each round's pings.
        var tcpFloor: [[UInt64]] = []
        for round in 0..<rounds {
            let order = (0..<results.count).map { results[($0 + round) % results.count] }
            note("round \(round + 1)/\(rounds): \(setups) set-ups sequential and \(concurrency) in flight, \(pings) pings, \(bytes >> 20) MiB sink")
            for r in order {
                if let (a, ct, st) = try run(r, "setups \(address(r)) \(setups) 1") {
                    r.sequential.append(SetupRound(a, clientTicks: ct, serverTicks: st))
                }
            }
            for r in order {
                if let (a, ct, st) = try run(r, "setups \(address(r)) \(setups) \(concurrency)") {
                    r.concurrent.append(SetupRound(a, clientTicks: ct, serverTicks: st))
                }
            }
            for r in order {
                if let (a, _, _) = try run(r, "ping \(address(r)) \(pings) \(warmup)") {
                    r.pings.append((a["rtt_ns"]?.arrayValue ?? []).compactMap { $0.intValue.map { UInt64($0) } })
                }
            }
            tcpFloor.append(try TCPFloor.roundTrips(count: pings, warmup: warmup))
            for r in order {
                if let (a, ct, st) = try run(r, "sink \(address(r)) \(bytes) \(chunk)") {
                    r.sinks.append(SinkRound(
                        bytes: Int(a["bytes"]?.intValue ?? 0), ns: UInt64(a["ns"]?.intValue ?? 0), clientTicks: ct, serverTicks: st))
                }
            }
        }
        for peer in Array(clients.values) + Array(servers.values) {
            let (_, status, timedOut) = peer.child.finish()
            if status != 0 || timedOut {
                note("warning: \(peer.name) exited with \(timedOut ? "a timeout" : "status \(status)")\n\(tail(peer.stderrPath, lines: 4))")
            }
        }
        machine.loadAfter = Machine.loadAverage()

        let report = LibP2PReport(
            machine: machine, chacha: chacha, pythonChaCha: pyChaCha, pythonVersion: py?.version,
            executable: exe, pythonCommand: py.map { "\($0.python) \($0.script)" }, results: results,
            tcpFloor: tcpFloor.flatMap { $0 },
            rounds: rounds, setups: setups, concurrency: concurrency, pings: pings, warmup: warmup, bytes: bytes, chunk: chunk)
        if json {
            print(report.json().prettyString())
        } else {
            print(report.table())
        }
        fflush(nil)
        if results.contains(where: { $0.failures > 0 }) { throw ExitCode(2) }
    }

    private func findPython() throws -> (String, String) {
        let exeDir = executableDirectory()
        let roots = [".", exeDir + "/../..", exeDir + "/../../.."]
        let script = pybench ?? roots.map { $0 + "/Tests/Interop/pybench.py" }.first { access($0, R_OK) == 0 }
        guard let script, access(script, R_OK) == 0 else {
            throw BenchError("no Tests/Interop/pybench.py found: run from the repository, or pass --pybench")
        }
        let python = python ?? roots.map { $0 + "/.venv-interop/bin/python" }.first { access($0, X_OK) == 0 }
        guard let python, access(python, X_OK) == 0 else {
            throw BenchError("no .venv-interop/bin/python: run scripts/interop-venv.sh, or pass --python (or --skip-python)")
        }
        return (python, script)
    }
}

/// This executable's path (to spawn it as the Swift peers).
func executablePath() -> String {
    var buffer = [CChar](repeating: 0, count: 4096)
    let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    guard n > 0 else { return CommandLine.arguments[0] }
    return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

// MARK: Peers

enum LibP2PImpl: String, CaseIterable {
    case swift, python
    var name: String { self == .swift ? "Swift" : "Python" }
}

struct LibP2PPair {
    var client: LibP2PImpl
    var server: LibP2PImpl
    var label: String { "\(client.name) → \(server.name)" }
    var key: String { "\(client.rawValue)-\(server.rawValue)" }
}

/// A peer process: commands in on stdin, one JSON line out per command.
final class BenchPeer {
    let impl: LibP2PImpl
    let role: String
    let child: Child
    let stderrPath: String
    var name: String { "\(impl.name) \(role)" }

    init(_ impl: LibP2PImpl, role: String, argv: [String], env: [String], work: String) throws {
        self.impl = impl
        self.role = role
        stderrPath = work + "/\(impl.rawValue)-\(role).stderr"
        child = try Child(argv: argv, environment: env, stderrPath: stderrPath)
    }

    var cpuTicks: Int { procCPUTicks(pid: child.pid) ?? 0 }

    func readLine(deadlineNs: UInt64) throws -> JSON {
        let line: UnsafeRawBufferPointer?
        do { line = try child.reader.nextLine(deadline: deadlineNs) } catch {
            throw BenchError("\(name): \(error.description)\n\(tail(stderrPath))")
        }
        guard let line else { throw BenchError("\(name) ended\n\(tail(stderrPath))") }
        do { return try JSONParser.parse(buffer: line.bindMemory(to: UInt8.self)) } catch {
            throw BenchError("\(name): not JSON: \(String(decoding: line, as: UTF8.self).prefix(200))")
        }
    }

    /// Sends one command; its answer. Throws ``PeerCommandError`` if the peer reports that
    /// the command failed (the peer goes on), `BenchError` if the peer is gone or too slow.
    func command(_ text: String, timeoutNs: UInt64) throws -> JSON {
        try child.send(Array((text + "\n").utf8))
        let answer = try readLine(deadlineNs: nowNs() + timeoutNs)
        if answer["event"]?.stringValue == "error" {
            throw PeerCommandError(message: answer["error"]?.stringValue ?? "?")
        }
        return answer
    }

    /// Asks the server (`conns`) until it holds no connection; false after `timeoutNs`.
    func waitForNoConnections(timeoutNs: UInt64) throws -> Bool {
        let deadline = nowNs() + timeoutNs
        while true {
            let answer = try command("conns", timeoutNs: 10_000_000_000)
            if answer["count"]?.intValue == 0 { return true }
            if nowNs() > deadline { return false }
            sleepNs(5_000_000)
        }
    }
}

/// A command a peer answered with {"event":"error",…}.
struct PeerCommandError: Error {
    var message: String
}

// MARK: Results

struct SetupRound {
    var count: Int
    var concurrency: Int
    var ns: UInt64
    var latencies: [UInt64]
    var failures: Int
    var firstFailure: String?
    var clientTicks: Int
    var serverTicks: Int

    init(_ answer: JSON, clientTicks: Int, serverTicks: Int) {
        count = Int(answer["count"]?.intValue ?? 0)
        concurrency = Int(answer["concurrency"]?.intValue ?? 0)
        ns = UInt64(answer["ns"]?.intValue ?? 0)
        latencies = (answer["latency_ns"]?.arrayValue ?? []).compactMap { $0.intValue.map { UInt64($0) } }
        failures = Int(answer["failures"]?.intValue ?? 0)
        firstFailure = answer["first_failure"]?.stringValue
        self.clientTicks = clientTicks
        self.serverTicks = serverTicks
    }

    /// Completed set-ups per second of wall time.
    var perSecond: Double { ns == 0 ? 0 : Double(latencies.count) / (Double(ns) / 1e9) }
}

struct SinkRound {
    var bytes: Int
    var ns: UInt64
    var clientTicks: Int
    var serverTicks: Int
    /// 10^6 bytes per second.
    var mbPerSecond: Double { ns == 0 ? 0 : Double(bytes) / (Double(ns) / 1e9) / 1e6 }
}

final class LibP2PPairResults {
    let pair: LibP2PPair
    var sequential: [SetupRound] = []
    var concurrent: [SetupRound] = []
    var pings: [[UInt64]] = []
    var sinks: [SinkRound] = []
    var notes: [String] = []
    /// Commands the client reported as failed ("ping: I/O on closed channel").
    var failedCommands: [String] = []

    init(pair: LibP2PPair) { self.pair = pair }

    /// Failed set-ups and failed commands.
    var failures: Int { (sequential + concurrent).reduce(0) { $0 + $1.failures } + failedCommands.count }
    var sequentialPerSecond: Summary? { Summary(sequential.map(\.perSecond)) }
    var concurrentPerSecond: Summary? { Summary(concurrent.map(\.perSecond)) }
    var sinkMBps: Summary? { Summary(sinks.map(\.mbPerSecond)) }

    /// The `p`-th percentile (nearest rank) of pooled samples, in the samples' unit.
    static func percentile(_ samples: [UInt64], _ p: Double) -> Double? {
        guard !samples.isEmpty else { return nil }
        let sorted = samples.sorted()
        let rank = max(0, min(sorted.count - 1, Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1))
        return Double(sorted[rank])
    }

    var setupLatency: [UInt64] { sequential.flatMap(\.latencies) }
    var pingSamples: [UInt64] { pings.flatMap { $0 } }

    /// CPU time (client, server) per completed set-up in ms, over the sequential rounds.
    var cpuPerSetupMs: (client: Double, server: Double)? {
        let n = sequential.reduce(0) { $0 + $1.latencies.count }
        guard n > 0 else { return nil }
        let tick = 1e3 / Double(clockTicksPerSecond)
        return (Double(sequential.reduce(0) { $0 + $1.clientTicks }) * tick / Double(n),
                Double(sequential.reduce(0) { $0 + $1.serverTicks }) * tick / Double(n))
    }

    /// CPU time (client, server) per MB (10^6 bytes) through the sink, in ms.
    var cpuPerMBms: (client: Double, server: Double)? {
        let mb = Double(sinks.reduce(0) { $0 + $1.bytes }) / 1e6
        guard mb > 0 else { return nil }
        let tick = 1e3 / Double(clockTicksPerSecond)
        return (Double(sinks.reduce(0) { $0 + $1.clientTicks }) * tick / mb,
                Double(sinks.reduce(0) { $0 + $1.serverTicks }) * tick / mb)
    }
}
