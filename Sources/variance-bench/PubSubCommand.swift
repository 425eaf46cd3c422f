import ArgumentParser
import Crypto
import Foundation
import LibP2P
import LibP2PCore
import LibP2PGossipSub
import Logging
import Synchronization

/// Measures ``PubSub`` through a line of three Swift nodes A–B–C on loopback, all in this
/// process: the latency A→C of single messages (each published when the previous one
/// arrived), then the throughput of a stream of messages with a bounded number in flight.
///
/// Usage: `variance-bench pubsub [--latency-count 500] [--throughput-count 20000] [--size 100] [--window 32]`.
struct PubSubCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pubsub", abstract: "GossipSub latency and throughput through a line of three nodes.")

    @Option var latencyCount = 500
    @Option var throughputCount = 20_000
    @Option var size = 100
    @Option var window = 32

    func run() throws {
        let (latencyCount, throughputCount, size, window) = (latencyCount, throughputCount, size, window)
        try runBlocking(timeoutSeconds: 900, what: "pubsub") {
            try await PubSubBench.run(latencyCount: latencyCount, throughputCount: throughputCount, size: size, window: window)
        }
    }
}

enum PubSubBench {
    static let topic = "variance/bench"

    struct Node {
        let swarm: Swarm
        let pubsub: PubSub
        let address: Multiaddr
    }

    static func makeNode() async throws -> Node {
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let swarm = Swarm(identity: Curve25519.Signing.PrivateKey(), logger: logger)
        let address = try await swarm.listen(on: Multiaddr("/ip4/127.0.0.1/tcp/0"))
        let pubsub = PubSub(swarm: swarm)
        await pubsub.start(following: swarm.events)
        return Node(swarm: swarm, pubsub: pubsub, address: try address.appending(.p2p(swarm.localPeer)))
    }

    /// Arrivals at C: each message's sequence number and latency (the publish instant is in
    /// the payload, as nanoseconds since `epoch`).
    final class Sink: Sendable {
        let epoch: ContinuousClock.Instant
        let arrivals: AsyncStream<(seq: UInt64, latency: Duration)>
        let continuation: AsyncStream<(seq: UInt64, latency: Duration)>.Continuation
        /// Messages arrived so far (for the watchdog).
        let count = Atomic<Int>(0)

        init(epoch: ContinuousClock.Instant) {
            self.epoch = epoch
            (arrivals, continuation) = AsyncStream.makeStream(bufferingPolicy: .unbounded)
        }

        func read(_ stream: AsyncStream<PubSubMessage>) async {
            for await message in stream {
                let now = ContinuousClock.now
                let bytes = message.data
                guard bytes.count >= 16 else { continue }
                let seq = bytes[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                let sent = bytes[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                count.add(1, ordering: .relaxed)
                continuation.yield((seq, (now - epoch) - .nanoseconds(Int64(sent))))
            }
            continuation.finish()
        }
    }

    static func payload(seq: UInt64, epoch: ContinuousClock.Instant, size: Int) -> [UInt8] {
        let (seconds, attoseconds) = (ContinuousClock.now - epoch).components
        let nanos = UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000)
        var bytes = withUnsafeBytes(of: seq.bigEndian, Array.init) + withUnsafeBytes(of: nanos.bigEndian, Array.init)
        if size > bytes.count { bytes += [UInt8](repeating: 0x61, count: size - bytes.count) }
        return bytes
    }

    /// One line on stdout, written at once (not buffered).
    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static func milliseconds(_ d: Duration) -> Double {
        let (s, a) = d.components
        return Double(s) * 1000 + Double(a) / 1e15
    }

    static func run(latencyCount: Int, throughputCount: Int, size: Int, window: Int) async throws {
        let (a, b, c) = (try await makeNode(), try await makeNode(), try await makeNode())
        let epoch = ContinuousClock.now
        let sink = Sink(epoch: epoch)
        // Kept: dropping a subscription's stream ends the subscription.
        let streamA = try await a.pubsub.subscribe(topic)
        let streamB = try await b.pubsub.subscribe(topic)
        let stream = try await c.pubsub.subscribe(topic)
        let reader = Task { await sink.read(stream) }
        // A's and B's subscriptions are read and discarded, as an application would read them.
        let drains = [streamA, streamB].map { stream in Task { for await _ in stream {} } }
        _ = try await a.swarm.dial(b.address)
        _ = try await c.swarm.dial(b.address)
        while true {
            let (left, middle, right) = (
                await a.pubsub.meshPeers(topic), await b.pubsub.meshPeers(topic), await c.pubsub.meshPeers(topic)
            )
            if !left.isEmpty && middle.count == 2 && !right.isEmpty { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        var arrivals = sink.arrivals.makeAsyncIterator()
        // Lost messages would stall the window: with no arrival for 5 s, the run ends.
        let watchdog = Task {
            var last = -1
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(5))
                let now = sink.count.load(ordering: .relaxed)
                if now == last { sink.continuation.finish() }
                last = now
            }
        }

        // Latency: one message at a time.
        var latencies: [Double] = []
        for seq in 0..<UInt64(latencyCount) {
            try await a.pubsub.publish(topic, payload(seq: seq, epoch: epoch, size: size))
            guard let arrival = await arrivals.next() else { break }
            latencies.append(milliseconds(arrival.latency))
        }
        latencies.sort()
        func percentile(_ p: Double) -> Double { latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        say(
            String(
                format: "latency A→C (%d messages of %d B, one at a time): median %.3f ms, p90 %.3f ms, p99 %.3f ms, min %.3f ms",
                latencies.count, size, percentile(0.5), percentile(0.9), percentile(0.99), latencies.first ?? 0))

        // Throughput: at most `window` messages published and not yet at C.
        let start = ContinuousClock.now
        var published = 0
        var received = 0
        var throughputLatencies: [Double] = []
        throughputLatencies.reserveCapacity(throughputCount)
        while received < throughputCount {
            if published < throughputCount, published - received < window {
                try await a.pubsub.publish(topic, payload(seq: UInt64(latencyCount + published), epoch: epoch, size: size))
                published += 1
                continue
            }
            guard let arrival = await arrivals.next() else { break }
            received += 1
            throughputLatencies.append(milliseconds(arrival.latency))
        }
        let elapsed = ContinuousClock.now - start
        throughputLatencies.sort()
        let rate = Double(received) / (milliseconds(elapsed) / 1000)
        say(
            String(
                format: "throughput A→B→C (%d messages of %d B, window %d): %.0f msgs/s, %.2f MB/s payload, %.2f s; latency under load median %.3f ms",
                received, size, window, rate, rate * Double(size) / 1e6, milliseconds(elapsed) / 1000,
                throughputLatencies.isEmpty ? 0 : throughputLatencies[throughputLatencies.count / 2]))
        for (name, node) in [("A", a), ("B", b), ("C", c)] {
            say("\(name): \(await node.pubsub.statistics)")
        }
        reader.cancel()
        for drain in drains { drain.cancel() }
        watchdog.cancel()
        for node in [a, b, c] {
            await node.pubsub.stop()
            await node.swarm.close()
        }
    }
}
