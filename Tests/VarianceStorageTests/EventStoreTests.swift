import Testing
@testable import VarianceStorage

@Suite struct EventStoreTests {
    @Test func seqGrowsByOneAndSurvivesReopen() throws {
        let directory = try makeTemporaryDirectory()
        defer { cleanUp(directory) }
        let path = directory + "/store.sqlite"
        let key = testKey()

        let store = try Store(path: path, fieldKey: key)
        #expect(try store.lastEventSeq() == 0)
        #expect(try store.events(after: 0, limit: 10).isEmpty)
        for expected in Int64(1)...5 {
            #expect(try store.appendEvent(method: "message.received", params: Array("{\"n\":\(expected)}".utf8), now: 100) == expected)
        }
        #expect(try store.lastEventSeq() == 5)
        try store.close()

        let reopened = try Store(path: path, fieldKey: key)
        #expect(try reopened.lastEventSeq() == 5)
        #expect(try reopened.appendEvent(method: "typing", params: [], now: 200) == 6)
        let all = try reopened.events(after: 0, limit: 100)
        #expect(all.map(\.seq) == [1, 2, 3, 4, 5, 6])
        #expect(all[2] == StoredEvent(seq: 3, method: "message.received", params: Array("{\"n\":3}".utf8), createdAt: 100))
        #expect(all[5] == StoredEvent(seq: 6, method: "typing", params: [], createdAt: 200))
        try reopened.close()
    }

    @Test func replaysAfterNWithALimit() throws {
        let store = try makeStore()
        for index in 1...250 { try store.appendEvent(method: "e", params: [UInt8(index % 256)], now: Int64(index)) }
        let page = try store.events(after: 100, limit: 20)
        #expect(page.map(\.seq) == Array(101...120))
        #expect(page.map(\.params) == (101...120).map { [UInt8($0 % 256)] })

        // Walking the whole log in batches sees every event once, in order.
        var after: Int64 = 0
        var seen: [Int64] = []
        while true {
            let batch = try store.events(after: after, limit: 37)
            guard let last = batch.last else { break }
            seen += batch.map(\.seq)
            after = last.seq
        }
        #expect(seen == Array(1...250))
        #expect(try store.events(after: 250, limit: 10).isEmpty)
        #expect(try store.events(after: 249, limit: 0).map(\.seq) == [250])  // the limit is clamped to at least 1
    }

    @Test func pruneDeletesOnlyEventsThatAreOldAndBeyondTheNewest() throws {
        let day: Int64 = 86_400_000
        let now = 100 * day
        let store = try makeStore()
        // Events 1...20 are 10 days old, 21...30 are 1 day old.
        for _ in 1...20 { try store.appendEvent(method: "old", params: [], now: now - 10 * day) }
        for _ in 21...30 { try store.appendEvent(method: "new", params: [], now: now - day) }

        // Keep at least 25: only 1...5 are both old and beyond the newest 25.
        #expect(try store.pruneEvents(now: now, keepDays: 7, keepAtLeast: 25) == 5)
        #expect(try store.events(after: 0, limit: 100).first?.seq == 6)

        // Keep at least 5: the newest five are recent anyway; all old ones go, no recent one does.
        #expect(try store.pruneEvents(now: now, keepDays: 7, keepAtLeast: 5) == 15)
        #expect(try store.events(after: 0, limit: 100).map(\.seq) == Array(21...30))

        // Fewer events than keepAtLeast: nothing goes, however old.
        #expect(try store.pruneEvents(now: now + 365 * day, keepDays: 7, keepAtLeast: 100) == 0)
        // With the defaults (7 days or 100,000 events) nothing goes either.
        #expect(try store.pruneEvents(now: now + 365 * day) == 0)

        // keepAtLeast 0: everything older than keepDays goes, and seq still continues.
        #expect(try store.pruneEvents(now: now + 365 * day, keepDays: 7, keepAtLeast: 0) == 10)
        #expect(try store.lastEventSeq() == 30)
        #expect(try store.appendEvent(method: "after", params: [], now: now) == 31)
    }
}
