// The Swift side of `variance-bench libp2p`: a server (`--serve`) and a client (`--client`)
// that speak the same line protocol as Tests/Interop/pybench.py, so that the benchmark drives
// Swift and py-libp2p peers with the same commands. One JSON line per answer on stdout;
// commands on stdin; the process ends when stdin closes.
//
//   server: prints {"event":"listening","addr":…,"pid":…}; answers `conns` with the number of
//           open connections. Handles /variance/bench/sink/1.0.0 (read and discard to the end
//           of the stream, then write the byte count, 8 bytes big-endian, and close) beside
//           the swarm's own /ipfs/ping/1.0.0.
//   client: prints {"event":"ready",…}; answers `setups ADDR COUNT CONCURRENCY`,
//           `ping ADDR COUNT WARMUP` and `sink ADDR BYTES CHUNK` (see pybench.py).
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Crypto
import Dispatch
import LibP2P
import LibP2PCore
import Logging
import VarianceRPC

enum LibP2PBench {
    static let sinkProtocol = "/variance/bench/sink/1.0.0"
    static let listenAddress = "/ip4/127.0.0.1/tcp/0"

    /// The limits of every swarm the benchmark makes. The defaults (2 connections per peer,
    /// 64 pending handshakes) are for a node on the open network; the benchmark opens
    /// hundreds of connections from a few peers, some still closing when the next opens.
    static var configuration: SwarmConfiguration {
        var c = SwarmConfiguration()
        c.maxConnections = 8192
        c.maxConnectionsPerPeer = 4096
        c.maxPendingHandshakes = 256
        c.handshakeTimeout = .seconds(20)
        return c
    }

    static var quietLogger: Logger {
        var logger = Logger(label: "variance-bench.libp2p")
        logger.logLevel = .critical
        return logger
    }
}

/// Prints one JSON line on stdout, at once.
func emitLine(_ value: JSON) {
    var bytes = value.bytes
    bytes.append(0x0A)
    bytes.withUnsafeBytes { _ = writeAll(1, $0) }
}

func errorLine(_ command: String, _ error: any Error) -> JSON {
    .object(["event": "error", "command": .string(command), "error": .string("\(error)")])
}

/// Holds what an async body produced, for the thread that waits for it.
private final class AsyncOutcome<T: Sendable>: @unchecked Sendable {
    var result: Result<T, any Error>?
}

/// Runs `body` on the Swift concurrency pool and blocks this (main) thread until it is done.
/// If it takes longer than `timeoutSeconds`, prints an error line and ends the process (code
/// 3): a stuck await must not hang the benchmark.
func runBlocking<T: Sendable>(
    timeoutSeconds: Double, what: String, _ body: @escaping @Sendable () async throws -> T
) throws -> T {
    let outcome = AsyncOutcome<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        do { outcome.result = .success(try await body()) } catch { outcome.result = .failure(error) }
        done.signal()
    }
    if done.wait(timeout: .now() + timeoutSeconds) == .timedOut {
        emitLine(.object(["event": "error", "command": .string(what), "error": .string("timed out after \(timeoutSeconds) s")]))
        note("variance-bench libp2p: \(what) timed out after \(timeoutSeconds) s; exiting")
        exit(3)
    }
    return try outcome.result!.get()
}

/// Lines from standard input until it closes (bounded: a day).
func forEachStdinLine(_ body: (String) throws -> Void) throws {
    let reader = LineReader(fd: 0, capacity: 64 * 1024)
    let deadline = nowNs() + 86_400_000_000_000
    while let line = try reader.nextLine(deadline: deadline) {
        let text = String(decoding: line, as: UTF8.self).trimmingPrefix(" ")
        try body(String(text))
    }
}

// MARK: Server

func runLibP2PServer(timeout: Double) throws {
    let swarm = Swarm(
        identity: Curve25519.Signing.PrivateKey(), configuration: LibP2PBench.configuration,
        logger: LibP2PBench.quietLogger)
    let address = try runBlocking(timeoutSeconds: timeout, what: "listen") {
        await swarm.handle(LibP2PBench.sinkProtocol) { stream in
            var total: UInt64 = 0
            do {
                while let bytes = try await stream.read() { total += UInt64(bytes.count) }
                try await stream.write((0..<8).map { UInt8(truncatingIfNeeded: total >> (56 - 8 * $0)) })
                try await stream.closeWrite()
            } catch {
                await stream.reset()
            }
        }
        let bound = try await swarm.listen(on: Multiaddr(LibP2PBench.listenAddress))
        return try bound.appending(.p2p(swarm.localPeer))
    }
    emitLine(.object(["event": "listening", "addr": .string(address.description), "pid": .int(Int64(getpid()))]))
    try forEachStdinLine { line in
        switch line {
        case "conns":
            let count = try runBlocking(timeoutSeconds: timeout, what: "conns") {
                await swarm.peers.reduce(0) { $0 + $1.connections }
            }
            emitLine(.object(["event": "conns", "count": .int(Int64(count))]))
        case "":
            break
        default:
            emitLine(.object(["event": "error", "error": .string("unknown command \(line)")]))
        }
    }
    _ = try? runBlocking(timeoutSeconds: 10, what: "close") { await swarm.close() }
}

// MARK: Client

/// Hands out the numbers 0..<count to concurrent workers.
private actor Tickets {
    private var left: Int
    init(_ count: Int) { left = count }
    func take() -> Bool {
        guard left > 0 else { return false }
        left -= 1
        return true
    }
}

struct LibP2PClient: Sendable {
    /// One identity per concurrent worker, made before anything is timed (as pybench.py
    /// makes one host per worker).
    let identities: [Curve25519.Signing.PrivateKey]

    init(workers: Int) {
        identities = (0..<max(workers, 1)).map { _ in Curve25519.Signing.PrivateKey() }
    }

    private func swarm(_ worker: Int) -> Swarm {
        Swarm(identity: identities[worker], configuration: LibP2PBench.configuration, logger: LibP2PBench.quietLogger)
    }

    /// `count` set-ups, `concurrency` in flight. A set-up is `Swarm.dial` returning: TCP
    /// connected, /noise negotiated, the XX handshake done and the peer verified, /yamux/1.0.0
    /// negotiated inside Noise, the connection registered. Each is then closed
    /// (`Swarm.close()`: GoAway, and the socket goes when the peer has seen it) before the
    /// worker's next dial. A swarm has no call to close one connection, so every set-up gets
    /// a fresh `Swarm` (an actor and an event stream; its identity is the worker's).
    func setups(_ address: Multiaddr, count: Int, concurrency: Int) async throws -> JSON {
        guard concurrency >= 1, concurrency <= identities.count else {
            throw BenchError("\(concurrency) in flight, but \(identities.count) identities (--client-workers)")
        }
        let tickets = Tickets(count)
        let start = nowNs()
        let outcomes = await withTaskGroup(of: ([UInt64], [String]).self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var latencies: [UInt64] = []
                    var failures: [String] = []
                    while await tickets.take() {
                        let swarm = swarm(worker)
                        let t0 = nowNs()
                        do {
                            _ = try await swarm.dial(address)
                            latencies.append(nowNs() - t0)
                        } catch {
                            failures.append("\(error)")
                        }
                        await swarm.close()
                    }
                    return (latencies, failures)
                }
            }
            var all: [([UInt64], [String])] = []
            for await outcome in group { all.append(outcome) }
            return all
        }
        let elapsed = nowNs() - start
        let latencies = outcomes.flatMap(\.0)
        let failures = outcomes.flatMap(\.1)
        var result: JSONObject = [
            "event": "setups", "count": .int(Int64(count)), "concurrency": .int(Int64(concurrency)),
            "ns": .int(Int64(elapsed)), "latency_ns": .array(latencies.map { .int(Int64($0)) }),
            "failures": .int(Int64(failures.count)),
        ]
        if let first = failures.first { result["first_failure"] = .string(first) }
        return .object(result)
    }

    /// One connection, one /ipfs/ping/1.0.0 stream: `warmup` pings, then `count` timed, each
    /// 32 random bytes written and the same 32 read back.
    func ping(_ address: Multiaddr, count: Int, warmup: Int) async throws -> JSON {
        let swarm = swarm(0)
        do {
            let peer = try await swarm.dial(address)
            let stream = try await swarm.newStream(to: peer, protocols: [Ping.protocolID])
            var rtts: [UInt64] = []
            rtts.reserveCapacity(count)
            var payload = [UInt8](repeating: 0, count: 32)
            for i in 0..<(warmup + count) {
                for j in 0..<32 { payload[j] = UInt8.random(in: 0...255) }
                let t0 = nowNs()
                try await stream.write(payload)
                let echo = try await stream.readExactly(32)
                let rtt = nowNs() - t0
                guard echo == payload else { throw BenchError("a pong did not match its ping") }
                if i >= warmup { rtts.append(rtt) }
            }
            try await stream.closeWrite()
            await swarm.close()
            return .object([
                "event": "ping", "count": .int(Int64(count)), "warmup": .int(Int64(warmup)),
                "rtt_ns": .array(rtts.map { .int(Int64($0)) }),
            ])
        } catch {
            await swarm.close()
            throw error
        }
    }

    /// One connection, one sink stream: `bytes` written in `chunk`-byte writes, our side
    /// closed, timed until the sink's 8-byte count has come back (so every byte arrived).
    func sink(_ address: Multiaddr, bytes: Int, chunk: Int) async throws -> JSON {
        let swarm = swarm(0)
        do {
            let peer = try await swarm.dial(address)
            let stream = try await swarm.newStream(to: peer, protocols: [LibP2PBench.sinkProtocol])
            var block = [UInt8](repeating: 0, count: chunk)
            for i in block.indices { block[i] = UInt8(truncatingIfNeeded: i &* 2_654_435_761 >> 13) }
            let t0 = nowNs()
            var sent = 0
            while sent < bytes {
                let n = min(chunk, bytes - sent)
                try await stream.write(n == chunk ? block : Array(block[0..<n]))
                sent += n
            }
            try await stream.closeWrite()
            let ack = try await stream.readExactly(8)
            let elapsed = nowNs() - t0
            let counted = ack.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            await swarm.close()
            guard counted == UInt64(bytes) else { throw BenchError("the sink counted \(counted) bytes of \(bytes)") }
            return .object([
                "event": "sink", "bytes": .int(Int64(bytes)), "chunk": .int(Int64(chunk)), "ns": .int(Int64(elapsed)),
            ])
        } catch {
            await swarm.close()
            throw error
        }
    }
}

func runLibP2PClient(timeout: Double, workers: Int) throws {
    let client = LibP2PClient(workers: workers)
    emitLine(.object(["event": "ready", "workers": .int(Int64(workers)), "pid": .int(Int64(getpid()))]))
    try forEachStdinLine { line in
        let words = line.split(separator: " ").map(String.init)
        guard let command = words.first else { return }
        do {
            guard words.count == 4, let a = Int(words[2]), let b = Int(words[3]), a >= 0, b >= 0 else {
                throw BenchError("malformed command \(line)")
            }
            let address = try Multiaddr(words[1])
            let answer: JSON
            switch command {
            case "setups":
                answer = try runBlocking(timeoutSeconds: timeout, what: command) {
                    try await client.setups(address, count: a, concurrency: b)
                }
            case "ping":
                answer = try runBlocking(timeoutSeconds: timeout, what: command) {
                    try await client.ping(address, count: a, warmup: b)
                }
            case "sink":
                guard b > 0 else { throw BenchError("a chunk of 0 bytes") }
                answer = try runBlocking(timeoutSeconds: timeout, what: command) {
                    try await client.sink(address, bytes: a, chunk: b)
                }
            default:
                throw BenchError("unknown command \(line)")
            }
            emitLine(answer)
        } catch {
            emitLine(errorLine(command, error))
        }
    }
}
