import Testing
@testable import VarianceStorage

/// Contacts, conversations, the outbox and settings.
@Suite struct RecordStoreTests {
    @Test func contacts() throws {
        let store = try makeStore(conversations: [])
        let bob = StoredContact(did: "did:key:z6MkBob", nickname: "Bobby", username: "bob", addedAt: 5)
        let carol = StoredContact(did: "did:key:z6MkCarol", addedAt: 6)
        try store.upsertContact(carol)
        try store.upsertContact(bob)
        #expect(try store.contacts() == [bob, carol])
        #expect(try store.contact(did: carol.did) == carol)

        var renamed = bob
        renamed.nickname = nil
        try store.upsertContact(renamed)
        #expect(try store.contact(did: bob.did)?.nickname == nil)

        #expect(try store.setBlocked(did: bob.did, true))
        #expect(try store.contact(did: bob.did)?.blocked == true)
        #expect(try store.setBlocked(did: "did:key:nobody", true) == false)
        #expect(try store.removeContact(did: bob.did))
        #expect(try store.removeContact(did: bob.did) == false)
        #expect(try store.contacts() == [carol])
    }

    @Test func conversations() throws {
        let store = try makeStore(conversations: [])
        let direct = StoredConversation(id: "did:key:z6MkBob", kind: .direct, createdAt: 10)
        let team = StoredConversation(id: "g1", kind: .group, title: "Team", createdAt: 20, unread: 2)
        try store.upsertConversation(direct)
        try store.upsertConversation(team)
        #expect(try store.conversations() == [team, direct])

        // A message raises lastActivityAt (never lowers it) and reorders the list.
        try store.insertMessage(makeMessage(ULIDGenerator().next(), conversation: direct.id, sentAt: 30))
        try store.insertMessage(makeMessage(ULIDGenerator().next(), conversation: direct.id, sentAt: 25))
        #expect(try store.conversations().map(\.id) == [direct.id, team.id])
        #expect(try store.conversation(id: direct.id)?.lastActivityAt == 30)

        #expect(try store.setUnread(conversation: team.id, 0))
        #expect(try store.conversation(id: team.id)?.unread == 0)

        #expect(try store.removeConversation(id: direct.id))
        #expect(try store.messages(conversation: direct.id, before: nil, limit: 10, now: 0).messages.isEmpty)
        #expect(try store.conversation(id: direct.id) == nil)
        #expect(try store.integrityCheck())
    }

    @Test func outboxKeepsEachConversationInOrder() throws {
        let store = try makeStore(conversations: ["a", "b"])
        let generator = ULIDGenerator()
        let message = makeMessage(generator.next(), conversation: "a", sentAt: 1, text: "hi")
        let a1 = StoredOutboxItem(id: "a1", messageId: message.id, conversation: "a", payload: [1, 2, 3], createdAt: 1)
        try store.insertOutgoing(message, outbox: a1)
        let a2 = StoredOutboxItem(id: "a2", conversation: "a", payload: [4], createdAt: 2)
        let b1 = StoredOutboxItem(id: "b1", conversation: "b", payload: [5], createdAt: 3)
        try store.enqueueOutbox(a2)
        try store.enqueueOutbox(b1)
        #expect(try store.dueOutbox(now: 10, limit: 10) == [a1, a2, b1])
        #expect(try store.dueOutbox(now: 10, limit: 2) == [a1, a2])
        #expect(try store.dueOutbox(now: 1, limit: 10) == [a1])

        // a1 failed and waits until 100: a2 must wait behind it, b1 goes on.
        #expect(try store.bumpOutbox(id: "a1", nextAttemptAt: 100))
        #expect(try store.dueOutbox(now: 10, limit: 10) == [b1])
        var retried = a1
        retried.attempts = 1
        retried.nextAttemptAt = 100
        #expect(try store.dueOutbox(now: 100, limit: 10) == [retried, a2, b1])

        #expect(try store.removeOutbox(id: "a1"))
        #expect(try store.removeOutbox(id: "a1") == false)
        #expect(try store.bumpOutbox(id: "a1", nextAttemptAt: 0) == false)
        #expect(try store.dueOutbox(now: 10, limit: 10) == [a2, b1])
    }

    @Test func insertOutgoingIsAllOrNothing() throws {
        let store = try makeStore(conversations: ["a"])
        let generator = ULIDGenerator()
        try store.enqueueOutbox(StoredOutboxItem(id: "taken", conversation: "a", payload: [], createdAt: 0))
        let message = makeMessage(generator.next(), conversation: "a", sentAt: 1)
        #expect {
            try store.insertOutgoing(message, outbox: StoredOutboxItem(id: "taken", conversation: "a", payload: [], createdAt: 1))
        } throws: { error in
            if case StorageError.conflict = error { return true }
            return false
        }
        #expect(try store.message(id: message.id, now: 0) == nil)
    }

    @Test func settings() throws {
        let store = try makeStore(conversations: [])
        #expect(try store.value(forKey: "k") == nil)
        try store.setValue([1, 2], forKey: "k")
        try store.setValue([3], forKey: "k")
        #expect(try store.value(forKey: "k") == [3])
        #expect(try store.removeValue(forKey: "k"))
        #expect(try store.value(forKey: "k") == nil)
    }
}
