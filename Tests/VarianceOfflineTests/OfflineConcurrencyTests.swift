import Testing
@testable import VarianceOffline

/// Several streams on one relay at once: nothing lost, nothing stored twice.
@Suite struct OfflineConcurrencyTests {
    @Test func depositsDuringAFetchAreNeitherLostNorDuplicated() async throws {
        let t = try TestStore()
        defer { t.cleanUp() }
        let clock = TestClock()
        let server = OfflineServer(store: t.store, serverIdentity: relayIdentity, random: fixedRandom, now: clock.source)
        let alice = TestRecipient()
        let envelopes = (1...400).map { envelope($0, to: alice.key, size: 50) }
        _ = try await exchange(server) { try await OfflineClient().deposit(Array(envelopes.prefix(100)), on: $0) }

        let small = OfflineLimits.with { $0.batchMaxEnvelopes = 7 }
        let log = BatchLog()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for sender in 0..<3 {
                let mine = Array(envelopes[(100 + sender * 100)..<(200 + sender * 100)])
                group.addTask {
                    // Each sender deposits in streams of 10, repeating its first stream (a retry).
                    for start in stride(from: 0, to: mine.count, by: 10) + [0] {
                        let outcomes = try await exchange(server) { try await OfflineClient().deposit(Array(mine[start..<start + 10]), on: $0) }
                        #expect(outcomes.allSatisfy { $0 == .stored })
                    }
                }
            }
            group.addTask {
                _ = try await exchange(server) { end in try await OfflineClient(limits: small).fetch(alice, on: end) { log.append($0) } }
            }
            try await group.waitForAll()
        }
        _ = try await exchange(server) { end in try await OfflineClient().fetch(alice, on: end) { log.append($0) } }
        let fetched = log.ids
        // Every id comes; only a retried one may come twice (deposited again after its ack).
        #expect(Set(fetched) == Set(envelopes.map(\.id)))
        var retried = Set<EnvelopeID>()
        for sender in 0..<3 {
            let first: Int = 100 + sender * 100
            for e in envelopes[first..<first + 10] { retried.insert(e.id) }
        }
        var seen = Set<EnvelopeID>()
        let repeats = fetched.filter { !seen.insert($0).inserted }
        #expect(repeats.allSatisfy(retried.contains))
        #expect(Array(fetched.prefix(100)) == envelopes.prefix(100).map(\.id))
        #expect(try t.store.stats().envelopes == 0)
    }
}
