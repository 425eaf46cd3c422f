import GRDB
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension Store {
    /// Stores a small setting (or a protocol state blob), encrypted, under `key`.
    public func setValue(_ value: [UInt8], forKey key: String) throws(StorageError) {
        let sealed = try cipher.seal(value, binding: Self.valueBinding(key: key))
        try write { db in
            try db.cachedStatement(sql: """
                INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value
                """).execute(arguments: [key, sealed])
        }
    }

    /// Stores several settings in one transaction.
    public func setValues(_ values: [(key: String, value: [UInt8])]) throws(StorageError) {
        try write { db in try set(values, db) }
    }

    /// Writes settings inside a transaction already open.
    func set(_ values: [(key: String, value: [UInt8])], _ db: Database) throws {
        for (key, value) in values {
            let sealed = try cipher.seal(value, binding: Self.valueBinding(key: key))
            try db.cachedStatement(sql: """
                INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value
                """).execute(arguments: [key, sealed])
        }
    }

    /// The value stored under `key`, or nil.
    public func value(forKey key: String) throws(StorageError) -> [UInt8]? {
        let sealed = try read { db in try Data.fetchOne(try db.cachedStatement(sql: "SELECT value FROM kv WHERE key = ?"), arguments: [key]) }
        guard let sealed else { return nil }
        return try cipher.open(sealed, binding: Self.valueBinding(key: key))
    }

    /// Removes the value under `key`. Returns false when there was none.
    @discardableResult
    public func removeValue(forKey key: String) throws(StorageError) -> Bool {
        try write { db in
            try db.cachedStatement(sql: "DELETE FROM kv WHERE key = ?").execute(arguments: [key])
            return db.changesCount > 0
        }
    }

    static func valueBinding(key: String) -> [UInt8] {
        FieldCipher.binding("kv.value", key)
    }
}
