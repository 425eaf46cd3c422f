import GRDB

/// The offline store's schema as versioned migrations. A released migration never changes.
enum OfflineSchema {
    /// All migrations, oldest first.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1", migrate: v1)
        return migrator
    }

    /// v1: envelopes, and the usage counters that triggers keep in step with them.
    private static func v1(_ db: Database) throws {
        try db.execute(sql: """
            -- One row per stored envelope. seq: deposit order (AUTOINCREMENT: never reused, so
            -- a fetch cursor never skips a later deposit). size: length(payload), in bytes.
            CREATE TABLE envelopes (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                recipient BLOB NOT NULL CHECK (length(recipient) = 32),
                id BLOB NOT NULL CHECK (length(id) = 16),
                payload BLOB NOT NULL,
                size INTEGER NOT NULL CHECK (size > 0),
                depositedAt INTEGER NOT NULL DEFAULT 0,
                UNIQUE (recipient, id)
            );
            CREATE INDEX envelopes_by_mailbox ON envelopes (recipient, seq);
            CREATE INDEX envelopes_by_age ON envelopes (depositedAt);

            -- Per-mailbox usage: a row exists while the mailbox holds an envelope.
            CREATE TABLE mailboxes (
                recipient BLOB NOT NULL PRIMARY KEY,
                envelopes INTEGER NOT NULL DEFAULT 0 CHECK (envelopes >= 0),
                bytes INTEGER NOT NULL DEFAULT 0 CHECK (bytes >= 0)
            ) WITHOUT ROWID;

            -- Whole-store usage: exactly one row.
            CREATE TABLE usage (
                id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
                envelopes INTEGER NOT NULL DEFAULT 0 CHECK (envelopes >= 0),
                bytes INTEGER NOT NULL DEFAULT 0 CHECK (bytes >= 0)
            );
            INSERT INTO usage (id, envelopes, bytes) VALUES (1, 0, 0);

            CREATE TRIGGER envelopes_counted AFTER INSERT ON envelopes BEGIN
                INSERT INTO mailboxes (recipient, envelopes, bytes) VALUES (NEW.recipient, 1, NEW.size)
                    ON CONFLICT (recipient) DO UPDATE SET envelopes = envelopes + 1, bytes = bytes + NEW.size;
                UPDATE usage SET envelopes = envelopes + 1, bytes = bytes + NEW.size WHERE id = 1;
            END;

            CREATE TRIGGER envelopes_uncounted AFTER DELETE ON envelopes BEGIN
                UPDATE mailboxes SET envelopes = envelopes - 1, bytes = bytes - OLD.size
                    WHERE recipient = OLD.recipient;
                DELETE FROM mailboxes WHERE recipient = OLD.recipient AND envelopes = 0;
                UPDATE usage SET envelopes = envelopes - 1, bytes = bytes - OLD.size WHERE id = 1;
            END;
            """)
    }
}
