import Testing
@testable import VarianceStorage

@Suite struct MessageStoreTests {
    let alice = "did:key:z6MkAlice"
    let group = "group-1"

    @Test func insertsReadsAndUpdates() throws {
        let store = try makeStore()
        let id = ULIDGenerator().next()
        var message = makeMessage(id, sentAt: 1_000, text: "héllo 👋")
        message.replyTo = "01ARYZ6S41TSV4RRFFQ69G5FAV"
        #expect(message.expiresAt == 1_000 + StoredMessage.messageLifetimeMillis)
        #expect(StoredMessage.messageLifetimeMillis == 2_592_000_000)
        #expect(try store.insertMessage(message))
        #expect(try store.insertMessage(message) == false)  // duplicate ids are ignored
        #expect(try store.message(id: id.description, now: 1_000) == message)
        #expect(try store.message(id: "missing", now: 0) == nil)
        #expect(try store.conversation(id: alice)?.lastActivityAt == 1_000)

        #expect(try store.updateMessageStatus(id: id.description, status: "read"))
        #expect(try store.updateMessageStatus(id: "missing", status: "read") == false)
        #expect(try store.message(id: id.description, now: 0)?.status == "read")
    }

    @Test func expiredMessagesAreHiddenOnReadAndSwept() throws {
        let store = try makeStore()
        let generator = ULIDGenerator()
        let short = makeMessage(generator.next(), sentAt: 100, text: "short", expiresAt: 500)
        let long = makeMessage(generator.next(), sentAt: 200, text: "long")
        try store.insertMessages([short, long])
        try store.enqueueOutbox(StoredOutboxItem(id: "o-short", messageId: short.id, conversation: alice, payload: [1], createdAt: 100))
        try store.enqueueOutbox(StoredOutboxItem(id: "o-long", messageId: long.id, conversation: alice, payload: [2], createdAt: 200))

        #expect(try store.message(id: short.id, now: 499) != nil)
        #expect(try store.message(id: short.id, now: 500) == nil)  // expiresAt <= now
        #expect(try store.messages(conversation: alice, before: nil, limit: 10, now: 500).messages.map(\.id) == [long.id])

        #expect(try store.deleteExpired(now: 499) == 0)
        #expect(try store.deleteExpired(now: 500) == 1)
        #expect(try store.message(id: short.id, now: 0) == nil)
        #expect(try store.dueOutbox(now: 1_000, limit: 10).map(\.id) == ["o-long"])

        let end = long.expiresAt
        #expect(try store.message(id: long.id, now: end - 1) != nil)
        #expect(try store.message(id: long.id, now: end) == nil)
        #expect(try store.deleteExpired(now: end) == 1)
        #expect(try store.dueOutbox(now: end, limit: 10).isEmpty)
    }

    /// 10,000 messages, 50 to a timestamp, ids unrelated to time: paging with limit 97 sees
    /// each exactly once, newest first, while newer messages arrive between pages; a second
    /// conversation never leaks in.
    @Test func pagesNeverSkipOrRepeat() throws {
        let store = try makeStore(conversations: [alice, group])
        let generator = ULIDGenerator()
        var rng = SystemRandomNumberGenerator()
        let base: Int64 = 1_800_000_000_000
        let originals = (0..<10_000).map { index in
            // Ids come from a random time, so their order is unrelated to sentAt.
            let id = generator.next(unixMillis: base + Int64.random(in: 0..<1_000_000, using: &rng))
            return makeMessage(id, conversation: alice, sentAt: base + Int64(index / 50) * 1_000, text: "m\(index)")
        }
        #expect(try store.insertMessages(originals.shuffled()) == 10_000)
        let others = (0..<25).map { makeMessage(generator.next(), conversation: group, sentAt: base + Int64($0) * 1_000, text: "g\($0)") }
        try store.insertMessages(others)

        let now = base
        var cursor: String?
        var seen: [StoredMessage] = []
        var pages = 0
        repeat {
            let page = try store.messages(conversation: alice, before: cursor, limit: 97, now: now)
            #expect(page.messages.count <= 97)
            #expect(page.before == nil || page.messages.count == 97)
            seen += page.messages
            cursor = page.before
            pages += 1
            // Newer messages arrive between page reads.
            let newest = base + 199 * 1_000
            try store.insertMessages((0..<3).map { index in
                makeMessage(generator.next(unixMillis: base + 2_000_000), conversation: alice,
                            sentAt: newest + Int64(pages * 10 + index), text: "new")
            })
        } while cursor != nil

        #expect(pages == (10_000 + 96) / 97)
        #expect(seen.count == 10_000)
        #expect(Set(seen.map(\.id)).count == 10_000)
        #expect(Set(seen.map(\.id)) == Set(originals.map(\.id)))
        #expect(seen.allSatisfy { $0.conversation == alice && $0.text != "new" })
        let expected = originals.sorted { ($0.sentAt, $0.id) > ($1.sentAt, $1.id) }
        #expect(seen.map(\.id) == expected.map(\.id))
        #expect(seen == expected)

        let groupPage = try store.messages(conversation: group, before: nil, limit: 100, now: now)
        #expect(groupPage.messages.map(\.id) == others.reversed().map(\.id))
        #expect(groupPage.before == nil)
    }

    @Test func pagingSkipsMessagesThatExpireBetweenPages() throws {
        let store = try makeStore()
        let generator = ULIDGenerator()
        let messages = (0..<10).map { makeMessage(generator.next(), sentAt: 100, text: "\($0)", expiresAt: 1_000 + Int64($0)) }
        try store.insertMessages(messages)
        let ordered = messages.sorted { $0.id > $1.id }
        let first = try store.messages(conversation: alice, before: nil, limit: 4, now: 0)
        #expect(first.messages == Array(ordered.prefix(4)))
        // At 1_005 the messages with expiresAt 1_000...1_005 are gone; the rest follow in order.
        let rest = try store.messages(conversation: alice, before: first.before, limit: 100, now: 1_005)
        #expect(rest.messages == ordered.dropFirst(4).filter { $0.expiresAt > 1_005 })
        #expect(rest.before == nil)
    }

    @Test func rejectsForeignCursors() throws {
        let store = try makeStore()
        for cursor in ["", "abc", "12", "12.", ".ID", "x.ID"] {
            #expect(throws: StorageError.invalidCursor) {
                try store.messages(conversation: alice, before: cursor, limit: 10, now: 0)
            }
        }
        #expect(try store.messages(conversation: alice, before: "12.ID", limit: 10, now: 0).messages.isEmpty)
    }
}
