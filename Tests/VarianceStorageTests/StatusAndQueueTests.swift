import Testing
@testable import VarianceStorage

/// Outgoing statuses only move forward; outbox queues; the conversation timer (v2).
struct StatusAndQueueTests {
    let me = "did:key:z6MkMe"
    let alice = "did:key:z6MkAlice"

    func outgoing(_ id: String, status: String, in conversation: String? = nil) -> StoredMessage {
        StoredMessage(id: id, conversation: conversation ?? alice, sender: me, text: id, sentAt: 1, status: status)
    }

    @Test func statusesMoveForwardOnly() throws {
        let store = try makeStore()
        try store.insertMessages([
            outgoing("q", status: "queued"), outgoing("s", status: "sent"), outgoing("d", status: "delivered"),
            outgoing("r", status: "read"),
        ])
        let changed = try store.advanceStatus(of: ["q", "s", "d", "r"], conversation: alice, sender: me, to: "delivered")
        #expect(changed.map(\.id) == ["q", "s"])
        #expect(changed.map(\.from) == ["queued", "sent"])
        #expect(try store.message(id: "d", now: 0)?.status == "delivered")
        #expect(try store.message(id: "r", now: 0)?.status == "read")
        #expect(try store.advanceStatus(of: ["q"], conversation: alice, sender: me, to: "sent").isEmpty)
        #expect(try store.advanceStatus(of: ["q"], conversation: alice, sender: me, to: "queued").isEmpty)
        #expect(try store.advanceStatus(of: ["q"], conversation: alice, sender: me, to: "bogus").isEmpty)
    }

    @Test func statusOfSomeoneElsesMessageOrConversationIsNotTouched() throws {
        let store = try makeStore(conversations: [alice, "did:key:z6MkBob"])
        try store.insertMessages([
            outgoing("mine", status: "sent"),
            StoredMessage(id: "theirs", conversation: alice, sender: alice, text: "x", sentAt: 1, status: "received"),
        ])
        #expect(try store.advanceStatus(of: ["theirs"], conversation: alice, sender: me, to: "read").isEmpty)
        // A receipt from Bob cannot move a message of the conversation with Alice.
        #expect(try store.advanceStatus(of: ["mine"], conversation: "did:key:z6MkBob", sender: me, to: "read").isEmpty)
        #expect(try store.message(id: "mine", now: 0)?.status == "sent")
    }

    @Test func queuesReportTheirHeadAndCanBeMadeDue() throws {
        let store = try makeStore(conversations: ["a", "b"])
        for (id, conversation, at) in [("a1", "a", 1), ("a2", "a", 2), ("b1", "b", 3)] {
            try store.enqueueOutbox(StoredOutboxItem(id: id, conversation: conversation, payload: [1], createdAt: Int64(at)))
        }
        try store.bumpOutbox(id: "a1", nextAttemptAt: 500)
        let queues = Dictionary(uniqueKeysWithValues: try store.outboxQueues().map { ($0.conversation, $0.nextAttemptAt) })
        #expect(queues == ["a": 500, "b": 3])
        #expect(try store.queuedOutbox(conversation: "a", limit: 10).map(\.id) == ["a1", "a2"])
        try store.rescheduleOutbox(conversation: "a", at: 7)
        #expect(try store.dueOutbox(now: 7, limit: 10).map(\.id) == ["a1", "a2", "b1"])
        try store.removeOutbox(id: "a1")
        #expect(try store.queuedOutbox(conversation: "a", limit: 10).map(\.id) == ["a2"])
    }

    @Test func timerIsStoredAndSurvivesUpserts() throws {
        let store = try makeStore()
        #expect(try store.conversation(id: alice)?.timerSeconds == 0)
        #expect(try store.setTimer(conversation: alice, seconds: 3600))
        #expect(try store.conversation(id: alice)?.timerSeconds == 3600)
        var conversation = try #require(try store.conversation(id: alice))
        conversation.lastActivityAt = 99
        try store.upsertConversation(conversation)
        #expect(try store.conversation(id: alice)?.timerSeconds == 3600)
        #expect(try !store.setTimer(conversation: "did:key:z6MkNobody", seconds: 1))
    }
}
