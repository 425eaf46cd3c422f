// End-to-end direct messages: `messages.send` on one engine to `message.received` on
// another, both real `variance-engine` processes talking over libp2p (TCP, Noise, yamux)
// with Olm, SQLite and the outbox in the path.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import ArgumentParser
import VarianceRPC

struct DirectMessagesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dm",
        abstract: "End to end: messages.send on one engine to message.received on another (latency one at a time, throughput pipelined).")

    @Option(help: "The engine binary (default: variance-engine beside this program).")
    var engine: String?

    @Option(help: "Messages sent one at a time for the latency figures.")
    var sequential = 1000

    @Option(help: "Messages pipelined for the throughput figure.")
    var pipelined = 5000

    @Option(help: "Rounds of each; medians are reported.")
    var rounds = 3

    @Flag(help: "Print one JSON object instead of the table.")
    var json = false

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        let binary = engine ?? (executableDirectory() + "/variance-engine")
        var template = Array("/tmp/variance-bench.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw BenchError("mkdtemp: \(errnoString())") }
        let work = String(cString: made)
        defer { removeTree(work) }
        var p50s: [Double] = [], p99s: [Double] = [], rates: [Double] = []
        for round in 0..<rounds {
            let pair = try DMPair(binary: binary, work: work + "/round\(round)")
            defer { pair.stop() }
            let latencies = try pair.sequentialLatencies(count: sequential)
            p50s.append(percentile(latencies, 0.50))
            p99s.append(percentile(latencies, 0.99))
            rates.append(try pair.pipelinedRate(count: pipelined))
            note("round \(round + 1): p50 \(fmt(p50s.last!)) ms, p99 \(fmt(p99s.last!)) ms, \(Int(rates.last!)) msg/s")
        }
        let result: JSON = [
            "bench": "dm", "sequential": .int(Int64(sequential)), "pipelined": .int(Int64(pipelined)),
            "rounds": .int(Int64(rounds)), "p50Ms": .double(median(p50s)), "p99Ms": .double(median(p99s)),
            "messagesPerSecond": .double(median(rates)),
        ]
        if json {
            print(result.compactString)
        } else {
            print("""
                end to end, messages.send → message.received (two engines, loopback), median of \(rounds) rounds
                  latency, one at a time (\(sequential) messages): p50 \(fmt(median(p50s))) ms, p99 \(fmt(median(p99s))) ms
                  throughput, \(pipelined) pipelined: \(Int(median(rates))) messages/s
                """)
        }
    }
}

/// Two engines, alice and bob, each the other's contact.
final class DMPair {
    let alice: RPCChild
    let bob: RPCChild

    init(binary: String, work: String) throws {
        guard mkdir(work, 0o700) == 0 else { throw BenchError("mkdir \(work): \(errnoString())") }
        alice = try RPCChild(name: "alice", binary: binary, dataDirectory: work + "/alice")
        bob = try RPCChild(name: "bob", binary: binary, dataDirectory: work + "/bob")
        try alice.createIdentity()
        try bob.createIdentity()
        _ = try alice.call("contacts.add", ["did": .string(bob.did), "multiaddr": .string(bob.address)])
        _ = try bob.call("contacts.add", ["did": .string(alice.did), "multiaddr": .string(alice.address)])
        // One message each way, so that sessions exist before anything is timed.
        _ = try alice.call("messages.send", ["conversation": .string(bob.did), "text": "warm-up"])
        try bob.waitForReceived(text: "warm-up")
    }

    func stop() {
        alice.stop()
        bob.stop()
    }

    /// Milliseconds from writing `messages.send` to alice until bob reports it received.
    func sequentialLatencies(count: Int) throws -> [Double] {
        try (0..<count).map { i in try messageLatency(from: alice, to: bob, text: "s\(i)") }
    }

    /// Messages per second, `count` pipelined `messages.send` to the last one received.
    /// The engine answers at most 4,096 requests in flight, so the writer keeps at most
    /// ``window`` unanswered.
    func pipelinedRate(count: Int) throws -> Double {
        var chunks: [[UInt8]] = []
        let firstID = alice.nextID
        for start in stride(from: 0, to: count, by: Self.chunk) {
            var requests: [UInt8] = []
            for i in start..<min(start + Self.chunk, count) {
                let line: JSON = [
                    "jsonrpc": "2.0", "id": .int(firstID + Int64(i)), "method": "messages.send",
                    "params": ["conversation": .string(bob.did), "text": .string("p\(i)")],
                ]
                requests += line.bytes + [0x0A]
            }
            chunks.append(requests)
        }
        alice.nextID += Int64(count)
        let answered = Counter()
        let drain = LineDrainThread(reader: alice.child.reader, until: { $0 >= count }) { line in
            guard !contains(line, "\"method\"") else { return false }
            answered.add(1)
            return true
        }
        try drain.start()
        let start = nowNs()
        let writer = GatedWriterThread(fd: alice.child.input, chunks: chunks) { index in
            answered.value >= (index - Self.window / Self.chunk) * Self.chunk
        }
        try writer.start()
        var received = 0
        while received < count {
            guard let line = try bob.child.reader.nextLine(deadline: nowNs() + 120_000_000_000) else {
                throw BenchError("bob ended\n\(tail(bob.stderrPath))")
            }
            if contains(line, "\"message.received\"") { received += 1 }
        }
        let elapsed = Double(nowNs() - start) / 1e9
        writer.join()
        drain.join()
        return Double(count) / elapsed
    }

    static let chunk = 500
    static let window = 2000
}

/// Milliseconds from writing `messages.send` to `from` until `to` reports it received (the
/// reply to `from` is read after).
func messageLatency(from: RPCChild, to: RPCChild, text: String) throws -> Double {
    let start = nowNs()
    let id = try from.sendRequest("messages.send", ["conversation": .string(to.did), "text": .string(text)])
    try to.waitForReceived(text: text)
    let elapsed = Double(nowNs() - start) / 1e6
    try from.waitForReply(id)
    return elapsed
}

/// A count shared between threads.
final class Counter: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var count = 0

    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }

    func add(_ n: Int) {
        pthread_mutex_lock(&mutex)
        count += n
        pthread_mutex_unlock(&mutex)
    }

    var value: Int {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return count
    }
}

/// A thread that writes chunks to an fd, each once `ready(index)` holds.
final class GatedWriterThread: @unchecked Sendable {
    private let fd: Int32
    private let chunks: [[UInt8]]
    private let ready: (Int) -> Bool
    private var thread = pthread_t()

    init(fd: Int32, chunks: [[UInt8]], ready: @escaping (Int) -> Bool) {
        self.fd = fd
        self.chunks = chunks
        self.ready = ready
    }

    func start() throws(BenchError) {
        let context = Unmanaged.passRetained(self).toOpaque()
        let rc = pthread_create(&thread, nil, { context in
            let writer = Unmanaged<GatedWriterThread>.fromOpaque(context!).takeRetainedValue()
            for (index, chunk) in writer.chunks.enumerated() {
                while !writer.ready(index) { usleep(100) }
                let ok = chunk.withUnsafeBytes { writeAll(writer.fd, $0) }
                if !ok { break }
            }
            return nil
        }, context)
        guard rc == 0 else {
            Unmanaged<GatedWriterThread>.fromOpaque(context).release()
            throw BenchError("pthread_create: \(errnoString(rc))")
        }
    }

    func join() { pthread_join(thread, nil) }
}

/// An engine child spoken to with JSON-RPC; notifications are skipped unless asked for.
final class RPCChild {
    let name: String
    let child: Child
    let stderrPath: String
    var nextID: Int64 = 1
    private(set) var did = ""
    private(set) var address = ""

    /// `arguments`: the engine's command line after the binary (by default: this data
    /// directory, a loopback listen address, errors only in the log).
    init(name: String, binary: String, dataDirectory: String, arguments: [String]? = nil) throws {
        self.name = name
        stderrPath = dataDirectory + ".stderr"
        child = try Child(
            argv: [binary] + (arguments ?? ["--data-dir", dataDirectory, "--listen", "/ip4/127.0.0.1/tcp/0", "--log-level", "error"]),
            environment: ["HOME=/tmp"], stderrPath: stderrPath)
    }

    /// The DID of an identity this engine found in its data directory (a restart).
    func adopt(did: String) { self.did = did }

    func sendRequest(_ method: String, _ params: JSONObject) throws -> Int64 {
        let id = nextID
        nextID += 1
        let line: JSON = ["jsonrpc": "2.0", "id": .int(id), "method": .string(method), "params": .object(params)]
        try child.send(line.bytes + [0x0A])
        return id
    }

    /// Reads until the reply to `id`; returns its result.
    @discardableResult
    func waitForReply(_ id: Int64) throws -> JSON {
        while true {
            let value = try readJSON()
            guard value["id"]?.intValue == id else { continue }
            guard let result = value["result"] else { throw BenchError("\(name): \(value.compactString)") }
            return result
        }
    }

    func call(_ method: String, _ params: JSONObject = [:]) throws -> JSON {
        try waitForReply(try sendRequest(method, params))
    }

    /// Reads until a `message.received` with this text.
    func waitForReceived(text: String) throws {
        while true {
            guard let line = try child.reader.nextLine(deadline: nowNs() + 60_000_000_000) else {
                throw BenchError("\(name) ended\n\(tail(stderrPath))")
            }
            guard contains(line, "\"message.received\"") else { continue }
            let value = try JSONParser.parse(buffer: line.bindMemory(to: UInt8.self))
            if value["params"]?["message"]?["text"]?.stringValue == text { return }
        }
    }

    private func readJSON() throws -> JSON {
        guard let line = try child.reader.nextLine(deadline: nowNs() + 60_000_000_000) else {
            throw BenchError("\(name) ended\n\(tail(stderrPath))")
        }
        return try JSONParser.parse(buffer: line.bindMemory(to: UInt8.self))
    }

    /// `listening`: the engine listens, and `address` is its first listen address.
    func createIdentity(listening: Bool = true) throws {
        did = try call("identity.create", ["username": .string(name)])["did"]?.stringValue ?? ""
        address = try call("node.status")["listenAddrs"]?.arrayValue?.first?.stringValue ?? ""
        guard !did.isEmpty, !address.isEmpty || !listening else { throw BenchError("\(name): no DID or address") }
    }

    func stop() {
        child.closeInput()
        _ = child.finish()
    }
}

/// A thread that reads lines until `until(count of lines matching counting)` holds.
final class LineDrainThread: @unchecked Sendable {
    private let reader: LineReader
    private let until: (Int) -> Bool
    private let counting: (UnsafeRawBufferPointer) -> Bool
    private var thread = pthread_t()

    init(reader: LineReader, until: @escaping (Int) -> Bool, counting: @escaping (UnsafeRawBufferPointer) -> Bool) {
        self.reader = reader
        self.until = until
        self.counting = counting
    }

    func start() throws(BenchError) {
        let context = Unmanaged.passRetained(self).toOpaque()
        let rc = pthread_create(&thread, nil, { context in
            let drain = Unmanaged<LineDrainThread>.fromOpaque(context!).takeRetainedValue()
            var count = 0
            while !drain.until(count) {
                guard let line = try? drain.reader.nextLine(deadline: nowNs() + 120_000_000_000) else { break }
                if drain.counting(line) { count += 1 }
            }
            return nil
        }, context)
        guard rc == 0 else {
            Unmanaged<LineDrainThread>.fromOpaque(context).release()
            throw BenchError("pthread_create: \(errnoString(rc))")
        }
    }

    func join() { pthread_join(thread, nil) }
}

/// The `p` quantile (nearest rank) of `samples`; NaN when there are none.
func percentile(_ samples: [Double], _ p: Double) -> Double {
    let sorted = samples.sorted()
    guard !sorted.isEmpty else { return .nan }
    return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
}

func median(_ values: [Double]) -> Double { percentile(values, 0.5) }

private func fmt(_ value: Double) -> String {
    let hundredths = Int((value * 100).rounded())
    return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
}
