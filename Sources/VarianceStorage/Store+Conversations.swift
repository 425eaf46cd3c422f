import GRDB

extension Store {
    /// Adds a conversation or replaces the stored one with the same id (its messages stay).
    public func upsertConversation(_ conversation: StoredConversation) throws(StorageError) {
        try write { db in
            try db.cachedStatement(sql: """
                INSERT INTO conversations (id, kind, title, createdAt, lastActivityAt, unread, timerSeconds)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET
                    kind = excluded.kind, title = excluded.title, createdAt = excluded.createdAt,
                    lastActivityAt = excluded.lastActivityAt, unread = excluded.unread, timerSeconds = excluded.timerSeconds
                """).execute(arguments: [
                    conversation.id, conversation.kind.rawValue, conversation.title, conversation.createdAt,
                    conversation.lastActivityAt, max(conversation.unread, 0), max(conversation.timerSeconds, 0),
                ])
        }
    }

    /// The conversation with this id, or nil.
    public func conversation(id: String) throws(StorageError) -> StoredConversation? {
        try read { db in
            try Row.fetchOne(try db.cachedStatement(sql: "SELECT \(Self.conversationColumns) FROM conversations WHERE id = ?"), arguments: [id])
                .map(Self.decodeConversation)
        }
    }

    /// All conversations, most recently active first.
    public func conversations() throws(StorageError) -> [StoredConversation] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Self.conversationColumns) FROM conversations ORDER BY lastActivityAt DESC, id DESC
                """).map(Self.decodeConversation)
        }
    }

    /// Sets the unread count (clamped at 0). Returns false when there is no such conversation.
    @discardableResult
    public func setUnread(conversation id: String, _ unread: Int) throws(StorageError) -> Bool {
        try write { db in
            try db.cachedStatement(sql: "UPDATE conversations SET unread = ? WHERE id = ?").execute(arguments: [max(unread, 0), id])
            return db.changesCount > 0
        }
    }

    /// Sets the disappearing timer (0: the default). Returns false when there is no such conversation.
    @discardableResult
    public func setTimer(conversation id: String, seconds: Int64) throws(StorageError) -> Bool {
        try write { db in
            try db.cachedStatement(sql: "UPDATE conversations SET timerSeconds = ? WHERE id = ?").execute(arguments: [max(seconds, 0), id])
            return db.changesCount > 0
        }
    }

    /// Removes a conversation with its messages and outbox items. Returns false when there was none.
    @discardableResult
    public func removeConversation(id: String) throws(StorageError) -> Bool {
        try write { db in
            try db.cachedStatement(sql: "DELETE FROM outbox WHERE conversation = ?").execute(arguments: [id])
            try db.cachedStatement(sql: "DELETE FROM conversations WHERE id = ?").execute(arguments: [id])  // cascades to messages
            return db.changesCount > 0
        }
    }

    private static let conversationColumns = "id, kind, title, createdAt, lastActivityAt, unread, timerSeconds"

    private static func decodeConversation(_ row: Row) throws -> StoredConversation {
        let kind: String = try row.decode(atIndex: 1)
        guard let kind = StoredConversation.Kind(rawValue: kind) else {
            throw StorageError.corrupt("conversations.kind")
        }
        return StoredConversation(
            id: try row.decode(atIndex: 0), kind: kind, title: try row.decode(atIndex: 2),
            createdAt: try row.decode(atIndex: 3), lastActivityAt: try row.decode(atIndex: 4),
            unread: try row.decode(atIndex: 5), timerSeconds: try row.decode(atIndex: 6))
    }
}
