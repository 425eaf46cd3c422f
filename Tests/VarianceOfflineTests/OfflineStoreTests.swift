import GRDB
import Testing
@testable import VarianceOffline
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite struct OfflineStoreTests {
    let clock = TestClock()

    @Test func keepsEnvelopesInDepositOrderInAPrivateWALFile() throws {
        let t = try TestStore()
        defer { t.cleanUp() }
        let alice = TestRecipient().key
        let bob = TestRecipient().key
        for n in [5, 3, 9, 1] {
            #expect(try t.store.deposit(envelope(n, to: alice), now: clock.now) == .stored)
        }
        #expect(try t.store.deposit(envelope(2, to: bob), now: clock.now) == .stored)
        let page = try t.store.pending(recipient: alice, limit: 10, maxBytes: 1 << 20, now: clock.now)
        #expect(page.map(\.id) == [5, 3, 9, 1].map(testID))
        #expect(page.allSatisfy { $0.depositedAt == clock.now && $0.payload.count == 300 })
        #expect(try t.store.stats() == OfflineStats(envelopes: 5, bytes: 1500, mailboxes: 2))
        #expect(try t.store.usage(of: alice) == (4, 1200))

        var info = stat()
        #expect(stat(t.path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        let mode = try t.store.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
    }

    @Test func storesARepeatedIDOnce() throws {
        let t = try TestStore()
        defer { t.cleanUp() }
        let alice = TestRecipient().key
        let first = envelope(1, to: alice)
        var second = first
        second.payload = [9, 9, 9]
        #expect(try t.store.deposit(first, now: clock.now) == .stored)
        #expect(try t.store.deposit(second, now: clock.now + 10) == .duplicate)
        #expect(try t.store.deposit([first, first], now: clock.now) == [.duplicate, .duplicate])
        let page = try t.store.pending(recipient: alice, limit: 10, maxBytes: 1 << 20, now: clock.now)
        #expect(page.count == 1)
        #expect(page.first?.payload == first.payload)
        #expect(try t.store.stats().envelopes == 1)
        // The same id in another mailbox is another envelope.
        #expect(try t.store.deposit(envelope(1, to: TestRecipient().key), now: clock.now) == .stored)
    }

    @Test func refusesOverTheRecipientQuotaAndStoresNothing() throws {
        let limits = OfflineLimits.with {
            $0.maxEnvelopesPerRecipient = 3
            $0.maxBytesPerRecipient = 1_000
        }
        let t = try TestStore(limits: limits)
        defer { t.cleanUp() }
        let alice = TestRecipient().key
        #expect(try t.store.deposit((1...3).map { envelope($0, to: alice, size: 100) }, now: clock.now) == [.stored, .stored, .stored])
        let before = try t.store.stats()
        #expect(try t.store.deposit(envelope(4, to: alice, size: 100), now: clock.now) == .overRecipientQuota)
        #expect(try t.store.stats() == before)

        // Bytes: a fresh mailbox of 900 bytes takes no envelope of 101.
        let bob = TestRecipient().key
        #expect(try t.store.deposit(envelope(1, to: bob, size: 900), now: clock.now) == .stored)
        #expect(try t.store.deposit(envelope(2, to: bob, size: 101), now: clock.now) == .overRecipientQuota)
        #expect(try t.store.deposit(envelope(3, to: bob, size: 100), now: clock.now) == .stored)
        #expect(try t.store.usage(of: bob) == (2, 1_000))
        #expect(try t.store.pending(recipient: bob, limit: 10, maxBytes: 1 << 20, now: clock.now).map(\.id) == [testID(1), testID(3)])
        #expect(try countersMatchRows(t.store))
    }

    @Test func refusesOverTheTotalQuota() throws {
        let limits = OfflineLimits.with {
            $0.maxTotalBytes = 1_000
            $0.maxBytesPerRecipient = 1_000
            $0.maxPayloadBytes = 500
            $0.batchMaxBytes = 500
        }
        let t = try TestStore(limits: limits)
        defer { t.cleanUp() }
        #expect(try t.store.deposit(envelope(1, to: TestRecipient().key, size: 500), now: clock.now) == .stored)
        #expect(try t.store.deposit(envelope(2, to: TestRecipient().key, size: 400), now: clock.now) == .stored)
        let before = try t.store.stats()
        #expect(try t.store.deposit(envelope(3, to: TestRecipient().key, size: 101), now: clock.now) == .overTotalQuota)
        #expect(try t.store.stats() == before)
        #expect(try t.store.deposit(envelope(4, to: TestRecipient().key, size: 100), now: clock.now) == .stored)
        #expect(try t.store.deposit(envelope(5, to: TestRecipient().key, size: 501), now: clock.now) == .invalidPayload)
        #expect(try t.store.deposit(envelope(6, to: TestRecipient().key, size: 0), now: clock.now) == .invalidPayload)
    }

    @Test func expiresAfterThirtyDays() throws {
        let t = try TestStore()
        defer { t.cleanUp() }
        let alice = TestRecipient().key
        let start = clock.now
        #expect(try t.store.deposit(envelope(1, to: alice), now: start) == .stored)
        #expect(try t.store.deposit(envelope(2, to: alice), now: start + 86_400) == .stored)
        let thirtyDays: Int64 = 30 * 86_400
        #expect(try t.store.pending(recipient: alice, limit: 10, maxBytes: 1 << 20, now: start + thirtyDays - 1).count == 2)
        // At 30 days the first is gone from fetches even before the sweep…
        #expect(try t.store.pending(recipient: alice, limit: 10, maxBytes: 1 << 20, now: start + thirtyDays).map(\.id) == [testID(2)])
        // …and the sweep deletes it.
        #expect(try t.store.expire(now: start + thirtyDays) == 1)
        #expect(try t.store.stats().envelopes == 1)
        #expect(try t.store.expire(now: start + thirtyDays + 86_400) == 1)
        #expect(try t.store.stats() == OfflineStats(envelopes: 0, bytes: 0, mailboxes: 0))
    }

    @Test func expiredEnvelopesMakeRoomAndRepeatsAfterExpiryAreStoredAfresh() throws {
        let limits = OfflineLimits.with {
            $0.maxEnvelopesPerRecipient = 2
            $0.maxAgeSeconds = 100
        }
        let t = try TestStore(limits: limits)
        defer { t.cleanUp() }
        let alice = TestRecipient().key
        let start = clock.now
        #expect(try t.store.deposit([envelope(1, to: alice), envelope(2, to: alice)], now: start) == [.stored, .stored])
        #expect(try t.store.deposit(envelope(3, to: alice), now: start + 99) == .overRecipientQuota)
        #expect(try t.store.deposit(envelope(3, to: alice), now: start + 100) == .stored)  // 1 and 2 expired
        #expect(try t.store.deposit(envelope(3, to: alice), now: start + 150) == .duplicate)
        #expect(try t.store.deposit(envelope(3, to: alice), now: start + 200) == .stored)  // its first copy expired
        let page = try t.store.pending(recipient: alice, limit: 10, maxBytes: 1 << 20, now: start + 200)
        #expect(page.map(\.depositedAt) == [start + 200])
        #expect(try countersMatchRows(t.store))
    }

    @Test func pagesRespectCountAndBytesAndAlwaysHoldOne() throws {
        let t = try TestStore()
        defer { t.cleanUp() }
        let alice = TestRecipient().key
        _ = try t.store.deposit((1...10).map { envelope($0, to: alice, size: 100) }, now: clock.now)
        #expect(try t.store.pending(recipient: alice, limit: 4, maxBytes: 10_000, now: clock.now).map(\.id) == (1...4).map(testID))
        #expect(try t.store.pending(recipient: alice, limit: 10, maxBytes: 350, now: clock.now).count == 3)
        #expect(try t.store.pending(recipient: alice, limit: 10, maxBytes: 10, now: clock.now).count == 1)
        let first = try t.store.pending(recipient: alice, limit: 3, maxBytes: 10_000, now: clock.now)
        let next = try t.store.pending(recipient: alice, after: first.last!.sequence, limit: 3, maxBytes: 10_000, now: clock.now)
        #expect(next.map(\.id) == (4...6).map(testID))
        #expect(try t.store.pending(recipient: TestRecipient().key, limit: 3, maxBytes: 10_000, now: clock.now).isEmpty)
    }

    @Test func acknowledgeDeletesExactlyTheAckedIDsOfThatMailbox() throws {
        let t = try TestStore()
        defer { t.cleanUp() }
        let alice = TestRecipient().key
        let bob = TestRecipient().key
        _ = try t.store.deposit((1...5).map { envelope($0, to: alice) } + [envelope(2, to: bob)], now: clock.now)
        #expect(try t.store.acknowledge(recipient: alice, ids: [testID(2), testID(4), testID(99)]) == 2)
        #expect(try t.store.pending(recipient: alice, limit: 10, maxBytes: 1 << 20, now: clock.now).map(\.id) == [1, 3, 5].map(testID))
        #expect(try t.store.pending(recipient: bob, limit: 10, maxBytes: 1 << 20, now: clock.now).map(\.id) == [testID(2)])
        #expect(try t.store.acknowledge(recipient: alice, ids: []) == 0)
        #expect(try countersMatchRows(t.store))
    }

    @Test func survivesReopening() throws {
        let t = try TestStore()
        defer { t.cleanUp() }
        let alice = TestRecipient().key
        _ = try t.store.deposit((1...3).map { envelope($0, to: alice) }, now: clock.now)
        try t.store.close()
        try t.store.close()
        #expect(throws: OfflineStoreError.self) { try t.store.stats() }

        let reopened = try OfflineStore(path: t.path)
        defer { try? reopened.close() }
        #expect(try reopened.pending(recipient: alice, limit: 10, maxBytes: 1 << 20, now: clock.now).map(\.id) == (1...3).map(testID))
        #expect(try reopened.stats() == OfflineStats(envelopes: 3, bytes: 900, mailboxes: 1))
        #expect(try reopened.deposit(envelope(3, to: alice), now: clock.now) == .duplicate)
        #expect(try reopened.deposit(envelope(4, to: alice), now: clock.now) == .stored)
    }

    @Test func refusesADatabaseFromANewerVersion() throws {
        let t = try TestStore()
        defer { t.cleanUp() }
        try t.store.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99')") }
        try t.store.close()
        #expect(throws: OfflineStoreError.unsupportedSchema) { try OfflineStore(path: t.path) }
    }

    /// The trigger-kept counters equal what the rows say.
    private func countersMatchRows(_ store: OfflineStore) throws -> Bool {
        try store.read { db in
            let rows = try Row.fetchOne(db, sql: "SELECT COUNT(*), COALESCE(SUM(size), 0), COUNT(DISTINCT recipient) FROM envelopes")!
            let usage = try Row.fetchOne(db, sql: "SELECT envelopes, bytes FROM usage")!
            let mailboxes = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM mailboxes")!
            let mismatched = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM mailboxes m WHERE m.envelopes != (SELECT COUNT(*) FROM envelopes e WHERE e.recipient = m.recipient)
                    OR m.bytes != (SELECT SUM(size) FROM envelopes e WHERE e.recipient = m.recipient)
                """)!
            return (rows[0] as Int) == (usage[0] as Int) && (rows[1] as Int) == (usage[1] as Int)
                && (rows[2] as Int) == mailboxes && mismatched == 0
        }
    }
}
