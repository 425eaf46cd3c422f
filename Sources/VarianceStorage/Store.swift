import Crypto
import GRDB

/// The engine's database: one SQLite file in WAL mode behind a GRDB `DatabasePool`.
///
/// Readers run concurrently on snapshots; writes are serialized. Message bodies, outbox
/// payloads, event params and settings are encrypted with `FieldCipher` under the field key.
/// Every method throws only `StorageError`. After `close()` every method throws.
public final class Store: Sendable {
    /// The database file.
    public let path: String
    let pool: DatabasePool
    let cipher: FieldCipher
    /// The directory to remove on deinit (stores made by `inMemory`).
    private let temporaryDirectory: String?

    /// How long a writer waits for a lock held by another connection before failing.
    public static let busyTimeoutSeconds: Double = 5

    /// Opens (creating if needed) the database at `path` with mode 0600, and migrates it.
    /// - Throws: `.invalidKey` unless `fieldKey` is 256 bits; `.unsupportedSchema` if a
    ///   newer version wrote it; `.io`/`.corrupt` when it cannot be opened.
    public convenience init(path: String, fieldKey: SymmetricKey) throws(StorageError) {
        try self.init(path: path, fieldKey: fieldKey, temporaryDirectory: nil)
    }

    private init(path: String, fieldKey: SymmetricKey, temporaryDirectory: String?) throws(StorageError) {
        self.path = path
        self.temporaryDirectory = temporaryDirectory
        cipher = try FieldCipher(key: fieldKey)
        try FilePermissions.createPrivate(path)
        var config = Configuration()
        config.label = "VarianceStorage"
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(Self.busyTimeoutSeconds)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
        } catch {
            throw StorageError.from(error)
        }
        do {
            let migrator = Schema.migrator
            let superseded = try pool.read { db in try migrator.hasBeenSuperseded(db) }
            guard !superseded else { throw StorageError.unsupportedSchema }
            try migrator.migrate(pool)
            for suffix in ["-wal", "-shm"] {
                try FilePermissions.restrict(path + suffix)
            }
        } catch {
            try? pool.close()
            throw StorageError.from(error)
        }
    }

    /// A store in a fresh temporary directory, removed when the store is released: for tests.
    public static func inMemory(fieldKey: SymmetricKey) throws(StorageError) -> Store {
        let directory = try FilePermissions.makeTemporaryDirectory()
        do {
            return try Store(path: directory + "/store.sqlite", fieldKey: fieldKey, temporaryDirectory: directory)
        } catch {
            FilePermissions.removeDirectory(directory)
            throw error
        }
    }

    deinit {
        if let temporaryDirectory {
            try? pool.close()
            FilePermissions.removeDirectory(temporaryDirectory)
        }
    }

    /// Runs SQLite's `integrity_check` and `foreign_key_check`; true when both find nothing.
    public func integrityCheck() throws(StorageError) -> Bool {
        try read { db in
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            let foreignKeys = try Row.fetchAll(db, sql: "PRAGMA foreign_key_check")
            return integrity == ["ok"] && foreignKeys.isEmpty
        }
    }

    /// Closes every connection. Later calls throw; closing twice does nothing.
    public func close() throws(StorageError) {
        do {
            try pool.close()
        } catch {
            throw StorageError.from(error)
        }
    }

    /// Runs `body` on a read-only snapshot, mapping errors to `StorageError`.
    func read<T>(_ body: (Database) throws -> T) throws(StorageError) -> T {
        do {
            return try pool.read(body)
        } catch {
            throw StorageError.from(error)
        }
    }

    /// Runs `body` in one write transaction, mapping errors to `StorageError`.
    func write<T>(_ body: (Database) throws -> T) throws(StorageError) -> T {
        do {
            return try pool.write(body)
        } catch {
            throw StorageError.from(error)
        }
    }
}
