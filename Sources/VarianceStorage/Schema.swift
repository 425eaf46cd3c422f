import GRDB

/// The database schema as a list of versioned migrations.
///
/// A migration, once released, never changes; a new version adds a new migration that never
/// changes what an existing column means.
enum Schema {
    /// All migrations, oldest first.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1", migrate: v1)
        migrator.registerMigration("v2", migrate: v2)
        migrator.registerMigration("v3", migrate: v3)
        return migrator
    }

    /// Creates every table.
    private static func v1(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE contacts (
                did TEXT NOT NULL PRIMARY KEY,
                nickname TEXT NOT NULL DEFAULT '',
                username TEXT NOT NULL DEFAULT '',
                blocked INTEGER NOT NULL DEFAULT 0 CHECK (blocked IN (0, 1)),
                addedAt INTEGER NOT NULL DEFAULT 0
            );

            CREATE TABLE conversations (
                id TEXT NOT NULL PRIMARY KEY,
                kind TEXT NOT NULL DEFAULT 'direct' CHECK (kind IN ('direct', 'group')),
                title TEXT NOT NULL DEFAULT '',
                createdAt INTEGER NOT NULL DEFAULT 0,
                lastActivityAt INTEGER NOT NULL DEFAULT 0,
                unread INTEGER NOT NULL DEFAULT 0 CHECK (unread >= 0)
            );
            CREATE INDEX conversations_by_activity ON conversations (lastActivityAt DESC, id DESC);

            -- body: FieldCipher(text), bound to (id, conversation, sender).
            -- rowOrder: local insertion order, 1, 2, 3, ...
            CREATE TABLE messages (
                id TEXT NOT NULL PRIMARY KEY,
                conversation TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
                sender TEXT NOT NULL DEFAULT '',
                body BLOB NOT NULL,
                sentAt INTEGER NOT NULL DEFAULT 0,
                receivedAt INTEGER,
                status TEXT NOT NULL DEFAULT 'queued',
                replyTo TEXT,
                expiresAt INTEGER NOT NULL DEFAULT 0,
                rowOrder INTEGER NOT NULL UNIQUE
            );
            CREATE INDEX messages_by_page ON messages (conversation, sentAt DESC, id DESC);
            CREATE INDEX messages_by_expiry ON messages (expiresAt);

            -- payload: FieldCipher(bytes), bound to (id, messageId, conversation).
            CREATE TABLE outbox (
                id TEXT NOT NULL PRIMARY KEY,
                messageId TEXT NOT NULL DEFAULT '',
                conversation TEXT NOT NULL,
                payload BLOB NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                nextAttemptAt INTEGER NOT NULL DEFAULT 0,
                createdAt INTEGER NOT NULL DEFAULT 0
            );
            CREATE INDEX outbox_by_queue ON outbox (conversation, createdAt, id);
            CREATE INDEX outbox_by_due ON outbox (nextAttemptAt);
            CREATE INDEX outbox_by_message ON outbox (messageId);

            -- params: FieldCipher(JSON bytes), bound to (seq, method).
            CREATE TABLE events (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                method TEXT NOT NULL,
                params BLOB NOT NULL,
                createdAt INTEGER NOT NULL DEFAULT 0
            );

            -- value: FieldCipher(bytes), bound to key.
            CREATE TABLE kv (
                key TEXT NOT NULL PRIMARY KEY,
                value BLOB NOT NULL
            );
            """)
    }

    /// v2: a per-conversation disappearing timer (0: the 30-day default).
    private static func v2(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE conversations ADD COLUMN timerSeconds INTEGER NOT NULL DEFAULT 0 CHECK (timerSeconds >= 0);
            """)
    }

    /// v3: groups. `group_log` keeps every MLS message of a group as applied (the canonical
    /// branch: commits, proposals, application messages), already ciphertext, to serve
    /// members who missed them; `group_receipts` who of the members has received or read
    /// each of our group messages.
    private static func v3(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE group_log (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                groupId TEXT NOT NULL,
                epoch INTEGER NOT NULL,
                hash BLOB NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('commit', 'proposal', 'message')),
                messageId TEXT NOT NULL DEFAULT '',
                bytes BLOB NOT NULL,
                createdAt INTEGER NOT NULL DEFAULT 0,
                UNIQUE (groupId, hash)
            );
            CREATE INDEX group_log_by_epoch ON group_log (groupId, epoch, seq);
            CREATE INDEX group_log_by_message ON group_log (groupId, messageId);

            CREATE TABLE group_receipts (
                messageId TEXT NOT NULL,
                member TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('delivered', 'read')),
                PRIMARY KEY (messageId, member)
            );
            """)
    }
}
