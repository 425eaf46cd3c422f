import GRDB
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension Store {
    /// Queues a payload for sending.
    /// - Throws: `.conflict` when the id is queued already.
    public func enqueueOutbox(_ item: StoredOutboxItem) throws(StorageError) {
        try write { db in try insert(item, db) }
    }

    /// Items due at `now`, oldest first, at most `limit` (clamped to `1...maxPageSize`).
    ///
    /// Keeps each conversation in order: an item is left out while an older item of the
    /// same conversation is still waiting for a later retry.
    public func dueOutbox(now: Int64, limit: Int) throws(StorageError) -> [StoredOutboxItem] {
        let limit = min(max(limit, 1), Self.maxPageSize)
        return try read { db in
            let rows = try Row.fetchAll(try db.cachedStatement(sql: """
                SELECT o.id, o.messageId, o.conversation, o.payload, o.attempts, o.nextAttemptAt, o.createdAt
                FROM outbox o
                WHERE o.nextAttemptAt <= ?1 AND NOT EXISTS (
                    SELECT 1 FROM outbox w
                    WHERE w.conversation = o.conversation AND (w.createdAt, w.id) < (o.createdAt, o.id)
                        AND w.nextAttemptAt > ?1)
                ORDER BY o.createdAt, o.id LIMIT ?2
                """), arguments: [now, limit])
            return try rows.map(decodeOutboxItem)
        }
    }

    /// The queued items of one conversation, oldest first, whatever their next attempt time.
    public func queuedOutbox(conversation: String, limit: Int) throws(StorageError) -> [StoredOutboxItem] {
        let limit = min(max(limit, 1), Self.maxPageSize)
        return try read { db in
            try Row.fetchAll(try db.cachedStatement(sql: """
                SELECT id, messageId, conversation, payload, attempts, nextAttemptAt, createdAt
                FROM outbox WHERE conversation = ? ORDER BY createdAt, id LIMIT ?
                """), arguments: [conversation, limit]).map(decodeOutboxItem)
        }
    }

    /// The conversations with queued items: each with its oldest item's next attempt time.
    public func outboxQueues() throws(StorageError) -> [(conversation: String, nextAttemptAt: Int64)] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT o.conversation, o.nextAttemptAt FROM outbox o
                WHERE NOT EXISTS (
                    SELECT 1 FROM outbox w
                    WHERE w.conversation = o.conversation AND (w.createdAt, w.id) < (o.createdAt, o.id))
                """).map { row in (conversation: try row.decode(atIndex: 0), nextAttemptAt: try row.decode(atIndex: 1)) }
        }
    }

    /// Makes every item of `conversation` due at `time` and restarts its backoff (its peer
    /// became reachable).
    public func rescheduleOutbox(conversation: String, at time: Int64) throws(StorageError) {
        try write { db in
            try db.cachedStatement(sql: "UPDATE outbox SET nextAttemptAt = ?, attempts = 0 WHERE conversation = ?")
                .execute(arguments: [time, conversation])
        }
    }

    /// Records that `items` were sent, in one transaction: they leave the outbox and the
    /// messages they carry (sent by `sender`) move from `queued` to `sent`.
    /// - Returns: the ids of the messages whose status moved.
    public func completeOutbox(_ items: [StoredOutboxItem], sender: String) throws(StorageError) -> [String] {
        try write { db in
            var moved: [String] = []
            for item in items {
                try db.cachedStatement(sql: "DELETE FROM outbox WHERE id = ?").execute(arguments: [item.id])
                guard !item.messageId.isEmpty else { continue }
                try db.cachedStatement(sql: """
                    UPDATE messages SET status = 'sent' WHERE id = ? AND conversation = ? AND sender = ? AND status = 'queued'
                    """).execute(arguments: [item.messageId, item.conversation, sender])
                if db.changesCount > 0 { moved.append(item.messageId) }
            }
            return moved
        }
    }

    /// Removes an item once it is sent (or given up). Returns false when there was none.
    @discardableResult
    public func removeOutbox(id: String) throws(StorageError) -> Bool {
        try write { db in
            try db.cachedStatement(sql: "DELETE FROM outbox WHERE id = ?").execute(arguments: [id])
            return db.changesCount > 0
        }
    }

    /// Removes every queued item of a conversation (a group we left).
    public func removeOutbox(conversation: String) throws(StorageError) {
        try write { db in
            try db.cachedStatement(sql: "DELETE FROM outbox WHERE conversation = ?").execute(arguments: [conversation])
        }
    }

    /// Records a failed attempt: adds one to `attempts` and sets the next attempt time.
    /// Returns false when there is no such item.
    @discardableResult
    public func bumpOutbox(id: String, nextAttemptAt: Int64) throws(StorageError) -> Bool {
        try write { db in
            try db.cachedStatement(sql: "UPDATE outbox SET attempts = attempts + 1, nextAttemptAt = ? WHERE id = ?").execute(arguments: [nextAttemptAt, id])
            return db.changesCount > 0
        }
    }

    // MARK: - Rows

    static func payloadBinding(id: String, messageId: String, conversation: String) -> [UInt8] {
        FieldCipher.binding("outbox.payload", id, messageId, conversation)
    }

    func insert(_ item: StoredOutboxItem, _ db: Database) throws {
        let binding = Self.payloadBinding(id: item.id, messageId: item.messageId, conversation: item.conversation)
        let payload = try cipher.seal(item.payload, binding: binding)
        try db.cachedStatement(sql: """
            INSERT INTO outbox (id, messageId, conversation, payload, attempts, nextAttemptAt, createdAt)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                item.id, item.messageId, item.conversation, payload, item.attempts, item.nextAttemptAt, item.createdAt,
            ])
    }

    private func decodeOutboxItem(_ row: Row) throws -> StoredOutboxItem {
        let id: String = try row.decode(atIndex: 0)
        let messageId: String = try row.decode(atIndex: 1)
        let conversation: String = try row.decode(atIndex: 2)
        let sealed: Data = try row.decode(atIndex: 3)
        let payload = try cipher.open(sealed, binding: Self.payloadBinding(id: id, messageId: messageId, conversation: conversation))
        return StoredOutboxItem(
            id: id, messageId: messageId, conversation: conversation, payload: payload,
            attempts: try row.decode(atIndex: 4), nextAttemptAt: try row.decode(atIndex: 5),
            createdAt: try row.decode(atIndex: 6))
    }
}
