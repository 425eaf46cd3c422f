import GRDB

extension Store {
    /// Adds a contact or replaces the stored one with the same DID.
    public func upsertContact(_ contact: StoredContact) throws(StorageError) {
        try write { db in
            try db.cachedStatement(sql: """
                INSERT INTO contacts (did, nickname, username, blocked, addedAt) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (did) DO UPDATE SET
                    nickname = excluded.nickname, username = excluded.username,
                    blocked = excluded.blocked, addedAt = excluded.addedAt
                """).execute(arguments: [
                    contact.did, contact.nickname ?? "", contact.username ?? "", contact.blocked, contact.addedAt,
                ])
        }
    }

    /// The contact with this DID, or nil.
    public func contact(did: String) throws(StorageError) -> StoredContact? {
        try read { db in
            try Row.fetchOne(try db.cachedStatement(sql: "SELECT did, nickname, username, blocked, addedAt FROM contacts WHERE did = ?"),
                arguments: [did]
            ).map(Self.decodeContact)
        }
    }

    /// All contacts, ordered by DID.
    public func contacts() throws(StorageError) -> [StoredContact] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT did, nickname, username, blocked, addedAt FROM contacts ORDER BY did")
                .map(Self.decodeContact)
        }
    }

    /// Removes a contact. Returns false when there was none.
    @discardableResult
    public func removeContact(did: String) throws(StorageError) -> Bool {
        try write { db in
            try db.cachedStatement(sql: "DELETE FROM contacts WHERE did = ?").execute(arguments: [did])
            return db.changesCount > 0
        }
    }

    /// Blocks or unblocks a contact. Returns false when there is no such contact.
    @discardableResult
    public func setBlocked(did: String, _ blocked: Bool) throws(StorageError) -> Bool {
        try write { db in
            try db.cachedStatement(sql: "UPDATE contacts SET blocked = ? WHERE did = ?").execute(arguments: [blocked, did])
            return db.changesCount > 0
        }
    }

    private static func decodeContact(_ row: Row) throws -> StoredContact {
        let nickname: String = try row.decode(atIndex: 1)
        let username: String = try row.decode(atIndex: 2)
        return StoredContact(
            did: try row.decode(atIndex: 0), nickname: nickname.isEmpty ? nil : nickname,
            username: username.isEmpty ? nil : username, blocked: try row.decode(atIndex: 3),
            addedAt: try row.decode(atIndex: 4))
    }
}
