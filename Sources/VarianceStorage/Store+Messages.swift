import GRDB
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension Store {
    /// The largest page `messages(conversation:before:limit:now:)` returns.
    public static let maxPageSize = 1000

    /// Stores a message; its conversation must exist. Raises the conversation's
    /// `lastActivityAt` to `sentAt`.
    /// - Returns: false when a message with this id was already stored (it is left as is).
    /// - Throws: `.notFound` when the conversation does not exist.
    @discardableResult
    public func insertMessage(_ message: StoredMessage) throws(StorageError) -> Bool {
        try insertMessages([message]) == 1
    }

    /// Stores many messages in one transaction (all or none), skipping ids already stored.
    /// - Returns: how many were new.
    @discardableResult
    public func insertMessages(_ messages: [StoredMessage]) throws(StorageError) -> Int {
        try write { db in try insert(messages, db) }
    }

    /// Stores received messages in one transaction, skipping ids already stored, and adds
    /// the new ones to their conversations' unread counts.
    /// - Returns: the messages that were new, in the order given.
    public func insertIncoming(_ messages: [StoredMessage]) throws(StorageError) -> [StoredMessage] {
        try insertIncoming(messages, event: nil).map(\.message)
    }

    /// As ``insertIncoming(_:)``, and in the same transaction writes `settings` (the
    /// receiver's Olm state, which remembers these messages as seen) and appends one event
    /// per new message (`event` encodes it): a crash keeps all of it or none.
    /// - Returns: the new messages with their event seqs (0 without `event`).
    public func insertIncoming(
        _ messages: [StoredMessage], event: ((StoredMessage) -> (method: String, params: [UInt8]))?,
        settings: [(key: String, value: [UInt8])] = [], now: Int64 = WallClock.nowMillis()
    ) throws(StorageError) -> [(message: StoredMessage, seq: Int64)] {
        try write { db in
            try set(settings, db)
            let new = try insertReturningIndices(messages, db).map { messages[$0] }
            var counts: [String: Int] = [:]
            for message in new { counts[message.conversation, default: 0] += 1 }
            for (conversation, count) in counts {
                try db.cachedStatement(sql: "UPDATE conversations SET unread = unread + ? WHERE id = ?")
                    .execute(arguments: [count, conversation])
            }
            guard let event else { return new.map { ($0, 0) } }
            let seqs = try append(new.map(event), now: now, db)
            return Array(zip(new, seqs))
        }
    }

    /// Stores outgoing messages with their outbox items, in order, in one transaction.
    /// - Throws: `.conflict` if an id exists already (then nothing is stored).
    public func insertOutgoing(_ rows: [(message: StoredMessage, item: StoredOutboxItem)]) throws(StorageError) {
        try write { db in
            guard try insert(rows.map(\.message), db) == rows.count else { throw StorageError.conflict("messages.id") }
            for row in rows { try insert(row.item, db) }
        }
    }

    /// Stores an outgoing message and its outbox item in one transaction, so an accepted
    /// send survives a crash and is sent exactly once.
    /// - Throws: `.conflict` if either id exists already.
    public func insertOutgoing(_ message: StoredMessage, outbox item: StoredOutboxItem) throws(StorageError) {
        try insertOutgoing([(message, item)])
    }

    /// The message with this id, or nil when it does not exist or has expired at `now`.
    public func message(id: String, now: Int64) throws(StorageError) -> StoredMessage? {
        try read { db in
            let row = try Row.fetchOne(try db.cachedStatement(sql: "SELECT \(Self.messageColumns) FROM messages WHERE id = ? AND expiresAt > ?"),
                arguments: [id, now])
            return try row.map(decodeMessage)
        }
    }

    /// A page of a conversation, newest first, ordered by `(sentAt, id)` descending.
    ///
    /// Pass `before: nil` for the newest page, then each page's `before` for the next one.
    /// Because the cursor is the sort key of the last message shown, no message is skipped
    /// or repeated, whatever is inserted or expires between calls. Expired messages
    /// (`expiresAt <= now`) are left out. `limit` is clamped to `1...maxPageSize`.
    /// - Throws: `.invalidCursor` for a `before` this store did not produce.
    public func messages(conversation: String, before: String?, limit: Int, now: Int64) throws(StorageError) -> MessagePage {
        let limit = min(max(limit, 1), Self.maxPageSize)
        var cursor: MessageCursor?
        if let before {
            guard let parsed = MessageCursor(before) else { throw .invalidCursor }
            cursor = parsed
        }
        return try read { db in
            let rows: [Row]
            if let cursor {
                rows = try Row.fetchAll(try db.cachedStatement(sql: """
                    SELECT \(Self.messageColumns) FROM messages
                    WHERE conversation = ? AND (sentAt, id) < (?, ?) AND expiresAt > ?
                    ORDER BY sentAt DESC, id DESC LIMIT ?
                    """), arguments: [conversation, cursor.sentAt, cursor.id, now, limit + 1])
            } else {
                rows = try Row.fetchAll(try db.cachedStatement(sql: """
                    SELECT \(Self.messageColumns) FROM messages
                    WHERE conversation = ? AND expiresAt > ?
                    ORDER BY sentAt DESC, id DESC LIMIT ?
                    """), arguments: [conversation, now, limit + 1])
            }
            let messages = try rows.prefix(limit).map(decodeMessage)
            let next = rows.count > limit ? messages.last.map { MessageCursor(sentAt: $0.sentAt, id: $0.id).encoded } : nil
            return MessagePage(messages: messages, before: next)
        }
    }

    /// Sets a message's status (`sent`, `delivered`, `read`, `failed`, …).
    /// - Returns: false when no such message exists.
    @discardableResult
    public func updateMessageStatus(id: String, status: String) throws(StorageError) -> Bool {
        try write { db in
            try db.cachedStatement(sql: "UPDATE messages SET status = ? WHERE id = ?").execute(arguments: [status, id])
            return db.changesCount > 0
        }
    }

    /// The order outgoing statuses move in; a status never moves back.
    public static let outgoingStatusOrder = ["queued", "sent", "delivered", "read"]

    /// Moves each of the messages `ids` in `conversation` sent by `sender` forward to
    /// `status`, in one transaction; a message already at or past it is left alone.
    /// - Returns: the messages that moved, in the order given, each with its former status.
    public func advanceStatus(
        of ids: [String], conversation: String, sender: String, to status: String
    ) throws(StorageError) -> [(id: String, from: String)] {
        guard let rank = Self.outgoingStatusOrder.firstIndex(of: status), rank > 0 else { return [] }
        let earlier = Self.outgoingStatusOrder[..<rank].map { "'\($0)'" }.joined(separator: ", ")
        return try write { db in
            var moved: [(id: String, from: String)] = []
            for id in ids {
                guard let former = try String.fetchOne(try db.cachedStatement(sql: """
                    SELECT status FROM messages
                    WHERE id = ? AND conversation = ? AND sender = ? AND status IN (\(earlier))
                    """), arguments: [id, conversation, sender])
                else { continue }
                try db.cachedStatement(sql: "UPDATE messages SET status = ? WHERE id = ?").execute(arguments: [status, id])
                moved.append((id: id, from: former))
            }
            return moved
        }
    }

    /// Deletes messages with `expiresAt <= now` and the outbox items that refer to them.
    /// The hourly sweep calls this. - Returns: how many messages were deleted.
    public func deleteExpired(now: Int64) throws(StorageError) -> Int {
        try write { db in
            try db.cachedStatement(sql: """
                DELETE FROM outbox WHERE messageId IN (SELECT id FROM messages WHERE expiresAt <= ?)
                """).execute(arguments: [now])
            try db.cachedStatement(sql: "DELETE FROM messages WHERE expiresAt <= ?").execute(arguments: [now])
            return db.changesCount
        }
    }

    // MARK: - Rows

    static let messageColumns = "id, conversation, sender, body, sentAt, receivedAt, status, replyTo, expiresAt"

    static func bodyBinding(id: String, conversation: String, sender: String) -> [UInt8] {
        FieldCipher.binding("messages.body", id, conversation, sender)
    }

    private func insert(_ messages: [StoredMessage], _ db: Database) throws -> Int {
        try insertReturningIndices(messages, db).count
    }

    /// Inserts the messages not stored yet; returns the indices (in `messages`) of those inserted.
    private func insertReturningIndices(_ messages: [StoredMessage], _ db: Database) throws -> [Int] {
        var rowOrder = try Int64.fetchOne(db, sql: "SELECT MAX(rowOrder) FROM messages") ?? 0
        let statement = try db.cachedStatement(sql: """
            INSERT INTO messages (id, conversation, sender, body, sentAt, receivedAt, status, replyTo, expiresAt, rowOrder)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING
            """)
        var inserted: [Int] = []
        var activity: [String: Int64] = [:]
        for (index, message) in messages.enumerated() {
            let binding = Self.bodyBinding(id: message.id, conversation: message.conversation, sender: message.sender)
            let body = try cipher.seal(Array(message.text.utf8), binding: binding)
            try statement.execute(arguments: [
                message.id, message.conversation, message.sender, body, message.sentAt,
                message.receivedAt, message.status, message.replyTo, message.expiresAt, rowOrder + 1,
            ])
            guard db.changesCount > 0 else { continue }
            rowOrder += 1
            inserted.append(index)
            activity[message.conversation] = max(activity[message.conversation] ?? .min, message.sentAt)
        }
        for (conversation, sentAt) in activity {
            try db.cachedStatement(sql: "UPDATE conversations SET lastActivityAt = MAX(lastActivityAt, ?) WHERE id = ?").execute(arguments: [sentAt, conversation])
        }
        return inserted
    }

    private func decodeMessage(_ row: Row) throws -> StoredMessage {
        // Column indices follow `messageColumns`.
        let id: String = try row.decode(atIndex: 0)
        let conversation: String = try row.decode(atIndex: 1)
        let sender: String = try row.decode(atIndex: 2)
        let body: Data = try row.decode(atIndex: 3)
        let text = try cipher.open(body, binding: Self.bodyBinding(id: id, conversation: conversation, sender: sender))
        return StoredMessage(
            id: id, conversation: conversation, sender: sender, text: String(decoding: text, as: UTF8.self),
            sentAt: try row.decode(atIndex: 4), receivedAt: try row.decode(atIndex: 5),
            status: try row.decode(atIndex: 6), replyTo: try row.decode(atIndex: 7),
            expiresAt: try row.decode(atIndex: 8))
    }
}
