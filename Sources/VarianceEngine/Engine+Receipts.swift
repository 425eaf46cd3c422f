import VarianceMessaging
import VarianceStorage

/// Read receipts: `messages.markRead` resets the unread count and queues a receipt for the
/// peer; a received read receipt marks our messages up to the one it names `read`.
extension Engine {
    /// Marks the incoming messages of `conversation` up to and including `upTo` read: the
    /// unread count becomes the number of incoming messages newer than it, and the peer is
    /// sent a read receipt (best effort) naming the newest incoming message read.
    public func markRead(conversation person: String, upTo: String) throws(EngineError) {
        let conversation = try personDID(person)
        flushSends()
        let identity = try readyIdentity()
        let store = try readyStore()
        let now = clock()
        var newestRead: String?
        do {
            guard try store.conversation(id: conversation) != nil else {
                throw EngineError.notFound("No conversation \(conversation).")
            }
            guard let mark = try store.message(id: upTo, now: now), mark.conversation == conversation else {
                throw EngineError.notFound("No message \(upTo) in \(conversation).")
            }
            var unread = 0
            try forEachMessage(conversation, store: store, now: now) { message in
                guard message.sender != identity.did else { return true }
                if Self.isNewer(message, than: mark) { unread += 1 } else if newestRead == nil { newestRead = message.id }
                return true
            }
            _ = try store.setUnread(conversation: conversation, unread)
        } catch let error as EngineError {
            throw error
        } catch {
            throw Self.map(error)
        }
        guard let newestRead, conversation.hasPrefix("did:key:") || Self.isGroupID(conversation) else { return }
        // Through the outbox, so the receipt survives a restart and is retried like a text.
        try enqueueControl(.readReceipt(upTo: newestRead, ids: []), to: conversation)
    }

    /// Applies a read receipt from `did`: our messages to it up to `upTo` become `read`,
    /// each with a `message.status` event. Stops at the first one already read.
    func applyReadReceipt(upTo: String?, from did: String) throws {
        guard let upTo else { return }
        let identity = try readyIdentity()
        let store = try readyStore()
        let now = clock()
        guard let mark = try store.message(id: upTo, now: now), mark.conversation == did, mark.sender == identity.did else { return }
        var read: [String] = []
        try forEachMessage(did, store: store, now: now) { message in
            guard message.sender == identity.did, !Self.isNewer(message, than: mark) else { return true }
            if message.status == "read" { return false }
            read.append(message.id)
            return true
        }
        try advanceOurMessages(read.reversed(), in: did, to: "read")
    }

    /// Visits a conversation's messages newest first while `body` returns true.
    private func forEachMessage(_ conversation: String, store: Store, now: Int64, _ body: (StoredMessage) throws -> Bool) throws {
        var before: String?
        repeat {
            let page = try store.messages(conversation: conversation, before: before, limit: 500, now: now)
            for message in page.messages where try !body(message) { return }
            before = page.before
        } while before != nil
    }

    /// Whether `a` sorts after `b` in a conversation (by `sentAt`, then id).
    static func isNewer(_ a: StoredMessage, than b: StoredMessage) -> Bool {
        (a.sentAt, a.id) > (b.sentAt, b.id)
    }
}
