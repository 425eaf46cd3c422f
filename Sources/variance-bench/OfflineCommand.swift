import ArgumentParser
import Crypto
import VarianceOffline
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// offline-bench: the offline store and protocol, measured in-process (no sockets).
//   variance-bench offline [--envelopes 100000]
// 1. Deposits of ~300-byte envelopes straight into an OfflineStore (one transaction each,
//    synchronous = NORMAL; then FULL; then 100 per transaction), spread over 100 mailboxes.
// 2. Deposits through OfflineClient → MessagePipe → OfflineServer.
// 3. Fetches through the pipe: time to the first batch and the whole drain of a mailbox.
// Figures are medians (and p90) over the samples named.
struct OfflineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "offline", abstract: "The relay's offline store: deposits and fetches, in-process.")

    @Option(help: "Envelopes deposited.")
    var envelopes = 100_000

    func run() throws {
        let total = envelopes
        try runBlocking(timeoutSeconds: 1800, what: "offline") { try await OfflineBench.run(total: total) }
    }
}

enum OfflineBench {
    static func run(total: Int) async throws {
        let mailboxes = 100
        let payloadBytes = 300
        let clock = ContinuousClock()

        func seconds(_ d: Duration) -> Double {
            Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        }

        func percentile(_ values: [Double], _ p: Double) -> Double {
            let sorted = values.sorted()
            return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p + 0.5))]
        }

        func temporaryDirectory() -> String {
            var template = Array("/tmp/offline-bench-XXXXXX".utf8CString)
            _ = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
            return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }

        func removeStore(_ directory: String) {
            for suffix in ["", "-wal", "-shm"] { _ = unlink(directory + "/offline.sqlite" + suffix) }
            _ = rmdir(directory)
        }

        let keys = (0..<mailboxes).map { _ in Curve25519.Signing.PrivateKey() }
        let recipients = keys.map { try! RecipientKey(Array($0.publicKey.rawRepresentation)) }
        func makeEnvelopes(_ count: Int) -> [OfflineEnvelope] {
            var generator = SystemRandomNumberGenerator()
            return (0..<count).map { i in
                OfflineEnvelope(
                    recipient: recipients[i % mailboxes], id: EnvelopeID.random(using: &generator),
                    payload: (0..<payloadBytes).map { _ in UInt8.random(in: 0...255, using: &generator) })
            }
        }

        let now = WallClock.nowSeconds()
        let limits = OfflineLimits()

        /// Deposits `envelopes` into a fresh store `per` at a time; returns deposits/s, the median and
        /// p90 latency of one call (µs), and the store (kept open for the fetch runs).
        func depositRun(_ envelopes: [OfflineEnvelope], per: Int, durability: OfflineStore.Durability) throws -> (rate: Double, p50: Double, p90: Double, store: OfflineStore, directory: String) {
            let directory = temporaryDirectory()
            let store = try OfflineStore(path: directory + "/offline.sqlite", limits: limits, durability: durability)
            var latencies: [Double] = []
            latencies.reserveCapacity(envelopes.count / per + 1)
            let start = clock.now
            var index = 0
            while index < envelopes.count {
                let slice = Array(envelopes[index..<min(index + per, envelopes.count)])
                let t0 = clock.now
                let decisions = per == 1 ? [try store.deposit(slice[0], now: now)] : try store.deposit(slice, now: now)
                precondition(decisions.allSatisfy { $0 == .stored })
                latencies.append(seconds(clock.now - t0) * 1e6)
                index += per
            }
            let elapsed = seconds(clock.now - start)
            return (Double(envelopes.count) / elapsed, percentile(latencies, 0.5), percentile(latencies, 0.9), store, directory)
        }

        print("offline-bench: \(total) envelopes of \(payloadBytes) bytes over \(mailboxes) mailboxes")
        let envelopes = makeEnvelopes(total)

        let normal = try depositRun(envelopes, per: 1, durability: .normal)
        print(String(format: "store.deposit, 1 per transaction, NORMAL: %.0f deposits/s (call p50 %.1f µs, p90 %.1f µs)", normal.rate, normal.p50, normal.p90))
        let fullCount = min(total, 5_000)
        let full = try depositRun(Array(envelopes.prefix(fullCount)), per: 1, durability: .full)
        print(String(format: "store.deposit, 1 per transaction, FULL (%d): %.0f deposits/s (call p50 %.1f µs, p90 %.1f µs)", fullCount, full.rate, full.p50, full.p90))
        try full.store.close()
        removeStore(full.directory)
        let batched = try depositRun(envelopes, per: 100, durability: .full)
        print(String(format: "store.deposit, 100 per transaction, FULL: %.0f deposits/s (call p50 %.1f µs, p90 %.1f µs)", batched.rate, batched.p50, batched.p90))
        try batched.store.close()
        removeStore(batched.directory)
        let stats = try normal.store.stats()
        print("store after the NORMAL run: \(stats.envelopes) envelopes, \(stats.bytes) bytes, \(stats.mailboxes) mailboxes")

        // Deposits through the protocol (NORMAL store), 1,000 per stream, over the pipe.
        do {
            let directory = temporaryDirectory()
            let store = try OfflineStore(path: directory + "/offline.sqlite", limits: limits, durability: .normal)
            let server = OfflineServer(store: store, limits: limits, serverIdentity: Array("bench-relay".utf8))
            let client = OfflineClient(limits: limits)
            let wire = Array(envelopes.prefix(min(total, 20_000)))
            var rates: [Double] = []
            for start in stride(from: 0, to: wire.count, by: 1_000) {
                let batch = Array(wire[start..<min(start + 1_000, wire.count)])
                let (clientEnd, serverEnd) = MessagePipe.make()
                let t0 = clock.now
                async let served: Void = server.serve(read: { try await serverEnd.read() }, write: { try await serverEnd.write($0) })
                let outcomes = try await client.deposit(batch, read: { try await clientEnd.read() }, write: { try await clientEnd.write($0) })
                await clientEnd.close()
                try await served
                await serverEnd.close()
                rates.append(Double(batch.count) / seconds(clock.now - t0))
                precondition(outcomes.allSatisfy { $0 == .stored })
            }
            print(String(format: "deposit through the protocol, 1,000 per stream (%d streams): median %.0f deposits/s, p90 %.0f", rates.count, percentile(rates, 0.5), percentile(rates, 0.9)))
            try store.close()
            removeStore(directory)
        }

        // Fetches through the pipe from the NORMAL store: every mailbox drained once.
        do {
            let server = OfflineServer(store: normal.store, limits: limits, serverIdentity: Array("bench-relay".utf8))
            let client = OfflineClient(limits: limits)
            var firstBatch: [Double] = []
            var drainRates: [Double] = []
            var drainTimes: [Double] = []
            var received = 0
            for (key, recipient) in zip(keys, recipients) {
                let (clientEnd, serverEnd) = MessagePipe.make()
                async let served: Void = server.serve(read: { try await serverEnd.read() }, write: { try await serverEnd.write($0) })
                let t0 = clock.now
                var first: Duration?
                let count = try await client.fetch(
                    recipientKey: recipient, sign: { Array(try key.signature(for: $0)) }, serverIdentity: Array("bench-relay".utf8),
                    read: { try await clientEnd.read() }, write: { try await clientEnd.write($0) },
                    onBatch: { _ in if first == nil { first = clock.now - t0 } })
                let elapsed = seconds(clock.now - t0)
                await clientEnd.close()
                try await served
                await serverEnd.close()
                received += count
                if let first { firstBatch.append(seconds(first) * 1e3) }
                drainTimes.append(elapsed * 1e3)
                drainRates.append(Double(count) / elapsed)
            }
            print(String(format: "fetch, time to first batch: median %.2f ms, p90 %.2f ms (%d mailboxes)", percentile(firstBatch, 0.5), percentile(firstBatch, 0.9), firstBatch.count))
            print(String(format: "fetch, full drain of %d envelopes: median %.1f ms, %.0f envelopes/s (p90 %.1f ms)", received / mailboxes, percentile(drainTimes, 0.5), percentile(drainRates, 0.5), percentile(drainTimes, 0.9)))
            let left = try normal.store.stats()
            print("store after the fetches: \(left.envelopes) envelopes")
            try normal.store.close()
            removeStore(normal.directory)
        }
    }
}
