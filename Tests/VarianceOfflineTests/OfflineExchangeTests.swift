import Crypto
import Testing
@testable import VarianceOffline

/// Client and relay drivers talking over an in-memory pipe.
@Suite struct OfflineExchangeTests {
    let clock = TestClock()

    func relay(_ t: TestStore, limits: OfflineLimits = .default) -> OfflineServer {
        OfflineServer(store: t.store, limits: limits, serverIdentity: relayIdentity, random: fixedRandom, now: clock.source)
    }

    @Test(arguments: [nil, 1, 3, 1000] as [Int?])
    func depositsFetchesAndAcknowledges(chunkSize: Int?) async throws {
        let t = try TestStore()
        defer { t.cleanUp() }
        let server = relay(t)
        let alice = TestRecipient()
        let envelopes = (1...5).map { envelope($0, to: alice.key) }
        let outcomes = try await exchange(server, chunkSize: chunkSize) { try await OfflineClient().deposit(envelopes, on: $0) }
        #expect(outcomes == Array(repeating: .stored, count: 5))
        #expect(try t.store.stats().envelopes == 5)

        let log = BatchLog()
        let count = try await exchange(server, chunkSize: chunkSize) { end in
            try await OfflineClient().fetch(alice, on: end) { log.append($0) }
        }
        #expect(count == 5)
        #expect(log.all.count == 1)
        #expect(log.all.first == envelopes.map { FetchedEnvelope(id: $0.id, payload: $0.payload, depositedAt: UInt64(clock.now)) })
        #expect(try t.store.stats() == OfflineStats(envelopes: 0, bytes: 0, mailboxes: 0))

        // An empty mailbox: one empty batch, nothing handed over.
        let again = try await exchange(server) { end in
            try await OfflineClient().fetch(alice, on: end) { _ in Issue.record("no batch expected") }
        }
        #expect(again == 0)
    }

    @Test func aRepeatedDepositIsStoredOnce() async throws {
        let t = try TestStore()
        defer { t.cleanUp() }
        let server = relay(t)
        let alice = TestRecipient()
        let e = envelope(1, to: alice.key)
        #expect(try await exchange(server) { try await OfflineClient().deposit([e, e], on: $0) } == [.stored, .stored])
        #expect(try await exchange(server) { try await OfflineClient().deposit([e], on: $0) } == [.stored])
        #expect(try t.store.stats().envelopes == 1)
        let log = BatchLog()
        _ = try await exchange(server) { end in try await OfflineClient().fetch(alice, on: end) { log.append($0) } }
        #expect(log.ids == [e.id])
    }

    @Test func quotasAreRefusedWithTheirStatusAndRetryHint() async throws {
        let limits = OfflineLimits.with {
            $0.maxEnvelopesPerRecipient = 3
            $0.maxTotalBytes = 2_000
            $0.maxBytesPerRecipient = 2_000
        }
        let t = try TestStore(limits: limits)
        defer { t.cleanUp() }
        let server = relay(t)
        let alice = TestRecipient().key
        let outcomes = try await exchange(server) { end in
            try await OfflineClient().deposit((1...5).map { envelope($0, to: alice, size: 100) }, on: end)
        }
        let full = DepositOutcome.refused(.quotaRecipient, retryAfterSeconds: 3_600)
        #expect(outcomes == [.stored, .stored, .stored, full, full])
        #expect(try t.store.usage(of: alice) == (3, 300))

        let bob = TestRecipient().key
        let big = try await exchange(server) { end in
            try await OfflineClient().deposit([envelope(1, to: bob, size: 1_701), envelope(2, to: bob, size: 1)], on: end)
        }
        #expect(big == [.refused(.quotaTotal, retryAfterSeconds: 600), .stored])
        #expect(try t.store.stats() == OfflineStats(envelopes: 4, bytes: 301, mailboxes: 2))
    }

    @Test func envelopesTheRelayWouldRefuseAreNotSent() async throws {
        let t = try TestStore()
        defer { t.cleanUp() }
        let alice = TestRecipient().key
        let outcomes = try await exchange(relay(t)) { end in
            try await OfflineClient().deposit(
                [envelope(1, to: alice, size: 64 * 1024 + 1), envelope(2, to: alice, size: 0), envelope(3, to: alice)], on: end)
        }
        #expect(outcomes == [.refused(.tooLarge, retryAfterSeconds: 0), .refused(.malformed, retryAfterSeconds: 0), .stored])
    }

    @Test func aWrongSignatureIsRefusedAndNothingIsHandedOver() async throws {
        let t = try TestStore()
        defer { t.cleanUp() }
        let server = relay(t)
        let alice = TestRecipient()
        let mallory = TestRecipient()
        _ = try await exchange(server) { try await OfflineClient().deposit([envelope(1, to: alice.key)], on: $0) }

        // Mallory's key signs for Alice's mailbox.
        await #expect(throws: OfflineError.refused(.authFailed)) {
            try await exchange(server) { end in
                try await OfflineClient().fetch(
                    recipientKey: alice.key, sign: { try mallory.sign($0) }, serverIdentity: relayIdentity,
                    read: { try await end.read() }, write: { try await end.write($0) }, onBatch: { _ in Issue.record("no batch") })
            }
        }
        // Alice's own key, but a proof made for another relay.
        await #expect(throws: OfflineError.refused(.authFailed)) {
            try await exchange(server) { end in
                try await OfflineClient().fetch(alice, on: end, serverIdentity: Array("other-relay".utf8)) { _ in Issue.record("no batch") }
            }
        }
        // A proof for an old nonce does not replay on a new challenge.
        let oldNonce = Array(repeating: UInt8(0x41), count: 32)
        let replayed = try alice.sign(FetchTranscript.bytes(serverIdentity: relayIdentity, recipient: alice.key, nonce: oldNonce))
        await #expect(throws: OfflineError.refused(.authFailed)) {
            try await exchange(server) { end in
                try await OfflineClient().fetch(
                    recipientKey: alice.key, sign: { _ in replayed }, serverIdentity: relayIdentity,
                    read: { try await end.read() }, write: { try await end.write($0) }, onBatch: { _ in Issue.record("no batch") })
            }
        }
        #expect(try t.store.stats().envelopes == 1)
    }

    @Test func unacknowledgedEnvelopesSurviveACrashAndComeAgainInOrder() async throws {
        let limits = OfflineLimits.with {
            $0.batchMaxEnvelopes = 4
        }
        let t = try TestStore()
        defer { t.cleanUp() }
        let server = relay(t)
        let alice = TestRecipient()
        let envelopes = (1...10).map { envelope($0, to: alice.key) }
        _ = try await exchange(server) { try await OfflineClient().deposit(envelopes, on: $0) }

        struct Crash: Error {}
        let log = BatchLog()
        await #expect(throws: Crash.self) {
            try await exchange(server) { end in
                try await OfflineClient(limits: limits).fetch(alice, on: end) { batch in
                    if !log.all.isEmpty { throw Crash() }  // persisted the first batch, crashed in the second
                    log.append(batch)
                }
            }
        }
        #expect(log.ids == (1...4).map(testID))
        #expect(try t.store.stats().envelopes == 6)

        let again = BatchLog()
        let count = try await exchange(server) { end in
            try await OfflineClient(limits: limits).fetch(alice, on: end) { again.append($0) }
        }
        #expect(count == 6)
        #expect(again.all.map(\.count) == [4, 2])
        #expect(again.ids == (5...10).map(testID))
        #expect(try t.store.stats().envelopes == 0)
    }

    @Test func theClientStoppingBeforeItsAckLeavesEverythingStored() async throws {
        let t = try TestStore()
        defer { t.cleanUp() }
        let server = relay(t)
        let alice = TestRecipient()
        _ = try await exchange(server) { try await OfflineClient().deposit((1...3).map { envelope($0, to: alice.key) }, on: $0) }
        // A raw client that reads the first batch and hangs up without an ack.
        let first = try await exchange(server) { end in
            try await end.write(OfflineCodec.encodeFetch(recipient: alice.key, maxEnvelopes: 0, maxBytes: 0))
            guard case .challenge(let nonce) = try OfflineCodec.decodeServerMessage(try await end.read()!, limits: .default) else {
                throw OfflineError.malformed("challenge")
            }
            try await end.write(OfflineCodec.encodeProof(signature: try alice.sign(
                FetchTranscript.bytes(serverIdentity: relayIdentity, recipient: alice.key, nonce: nonce))))
            return try OfflineCodec.decodeServerMessage(try await end.read()!, limits: .default)
        }
        guard case .batch(let items) = first else { Issue.record("expected a batch"); return }
        #expect(items.map(\.id) == (1...3).map(testID))
        #expect(try t.store.stats().envelopes == 3)
    }

    @Test func aPartialAckDeletesOnlyThoseAndTheRestWaitsForTheNextFetch() async throws {
        let limits = OfflineLimits.with {
            $0.batchMaxEnvelopes = 2
        }
        let t = try TestStore()
        defer { t.cleanUp() }
        let server = relay(t)
        let alice = TestRecipient()
        _ = try await exchange(server) { try await OfflineClient().deposit((1...5).map { envelope($0, to: alice.key) }, on: $0) }
        let seen = try await exchange(server) { end in
            try await end.write(OfflineCodec.encodeFetch(recipient: alice.key, maxEnvelopes: 2, maxBytes: 0))
            guard case .challenge(let nonce) = try OfflineCodec.decodeServerMessage(try await end.read()!, limits: limits) else {
                throw OfflineError.malformed("challenge")
            }
            try await end.write(OfflineCodec.encodeProof(signature: try alice.sign(
                FetchTranscript.bytes(serverIdentity: relayIdentity, recipient: alice.key, nonce: nonce))))
            var seen: [EnvelopeID] = []
            while case .batch(let items) = try OfflineCodec.decodeServerMessage(try await end.read()!, limits: limits), !items.isEmpty {
                seen += items.map(\.id)
                try await end.write(OfflineCodec.encodeAck(Array(items.map(\.id).prefix(1))))  // ack the first of each
            }
            return seen
        }
        #expect(seen == (1...5).map(testID))  // each sent once on the stream
        let left = try t.store.pending(recipient: alice.key, limit: 10, maxBytes: 1 << 20, now: clock.now)
        #expect(left.map(\.id) == [2, 4].map(testID))
    }

    @Test func batchesRespectTheBoundsOfBothSides() async throws {
        let t = try TestStore()
        defer { t.cleanUp() }
        let server = relay(t)
        let alice = TestRecipient()
        // 150 envelopes of 2 KiB: the relay's 96 KiB batch bound cuts at 48.
        let envelopes = (1...150).map { envelope($0, to: alice.key, size: 2_048) }
        for chunk in stride(from: 0, to: envelopes.count, by: 50) {
            let outcomes = try await exchange(server) { try await OfflineClient().deposit(Array(envelopes[chunk..<chunk + 50]), on: $0) }
            #expect(outcomes.allSatisfy { $0 == .stored })
        }
        let log = BatchLog()
        _ = try await exchange(server) { end in try await OfflineClient().fetch(alice, on: end) { log.append($0) } }
        #expect(log.all.map(\.count) == [48, 48, 48, 6])
        #expect(log.ids == envelopes.map(\.id))

        // A client asking for 10 per batch gets 10.
        _ = try await exchange(server) { try await OfflineClient().deposit(Array(envelopes.prefix(25)), on: $0) }
        let small = OfflineLimits.with {
            $0.batchMaxEnvelopes = 10
        }
        let smallLog = BatchLog()
        _ = try await exchange(server) { end in try await OfflineClient(limits: small).fetch(alice, on: end) { smallLog.append($0) } }
        #expect(smallLog.all.map(\.count) == [10, 10, 5])
        #expect(smallLog.ids == envelopes.prefix(25).map(\.id))

        // One envelope larger than the client's byte bound still comes, alone.
        let tight = OfflineLimits.with {
            $0.batchMaxBytes = 64 * 1024
        }
        _ = try await exchange(server) { end in
            try await OfflineClient().deposit([envelope(1, to: alice.key, size: 64 * 1024), envelope(2, to: alice.key, size: 10)], on: end)
        }
        let tightLog = BatchLog()
        _ = try await exchange(server) { end in try await OfflineClient(limits: tight).fetch(alice, on: end) { tightLog.append($0) } }
        #expect(tightLog.all.map(\.count) == [1, 1])
    }

    @Test func orderIsPreservedAcrossStreamsAndMailboxes() async throws {
        let t = try TestStore()
        defer { t.cleanUp() }
        let server = relay(t)
        let alice = TestRecipient()
        let bob = TestRecipient()
        var expected: [EnvelopeID] = []
        for round in 0..<5 {
            let mine = (0..<7).map { envelope(round * 100 + $0, to: alice.key) }
            let theirs = (0..<3).map { envelope(round * 100 + $0, to: bob.key) }
            expected += mine.map(\.id)
            _ = try await exchange(server) { try await OfflineClient().deposit(mine + theirs, on: $0) }
        }
        let limits = OfflineLimits.with {
            $0.batchMaxEnvelopes = 8
        }
        let log = BatchLog()
        _ = try await exchange(server) { end in try await OfflineClient(limits: limits).fetch(alice, on: end) { log.append($0) } }
        #expect(log.ids == expected)
        #expect(try t.store.usage(of: bob.key) == (15, 4_500))
    }

    @Test func nothingOlderThanThirtyDaysIsFetched() async throws {
        let t = try TestStore()
        defer { t.cleanUp() }
        let server = relay(t)
        let alice = TestRecipient()
        _ = try await exchange(server) { try await OfflineClient().deposit([envelope(1, to: alice.key)], on: $0) }
        clock.advance(by: 29 * 86_400)
        _ = try await exchange(server) { try await OfflineClient().deposit([envelope(2, to: alice.key)], on: $0) }
        clock.advance(by: 86_400)
        let log = BatchLog()
        _ = try await exchange(server) { end in try await OfflineClient().fetch(alice, on: end) { log.append($0) } }
        #expect(log.ids == [testID(2)])
        #expect(log.all.first?.first?.depositedAt == UInt64(clock.now - 86_400))
    }

    @Test func aFailingStoreAnswersUnavailable() async throws {
        let t = try TestStore()
        defer { t.cleanUp() }
        let server = relay(t)
        let alice = TestRecipient()
        try t.store.close()
        let outcomes = try await exchange(server) { try await OfflineClient().deposit([envelope(1, to: alice.key), envelope(2, to: alice.key)], on: $0) }
        #expect(outcomes == Array(repeating: .refused(.unavailable, retryAfterSeconds: 60), count: 2))
        await #expect(throws: OfflineError.refused(.unavailable)) {
            try await exchange(server) { end in try await OfflineClient().fetch(alice, on: end) { _ in } }
        }
    }

    @Test func depositsBeyondTheStreamBoundAreUnanswered() async throws {
        let limits = OfflineLimits.with {
            $0.maxDepositsPerStream = 4
        }
        let t = try TestStore()
        defer { t.cleanUp() }
        let alice = TestRecipient().key
        let envelopes = (1...6).map { envelope($0, to: alice) }
        // The relay answers 4 and closes; a client allowing more learns the rest are unanswered.
        let outcomes = try await exchange(relay(t, limits: limits)) { try await OfflineClient().deposit(envelopes, on: $0) }
        #expect(outcomes == Array(repeating: .stored, count: 4) + [.unanswered, .unanswered])
        // A client with the same bound sends only 4.
        let bounded = try await exchange(relay(t, limits: limits)) { try await OfflineClient(limits: limits).deposit(envelopes, on: $0) }
        #expect(bounded == Array(repeating: .stored, count: 4) + [.unanswered, .unanswered])
        #expect(try t.store.stats().envelopes == 4)
    }
}
