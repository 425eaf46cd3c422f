import GRDB

/// The relay's offline mailboxes: one SQLite file (GRDB `DatabasePool`, WAL, mode 0600).
///
/// Envelopes are keyed by (recipient, envelope id) and kept in deposit order, within the
/// quotas of ``limits`` and for at most ``OfflineLimits/maxAgeSeconds``. Usage counters
/// (per mailbox and in all) are kept by triggers in the same transaction as every insert
/// and delete, so a quota check costs two primary-key reads. Methods take the time as a
/// parameter (Unix seconds); nothing here reads a clock. Every method throws only
/// ``OfflineStoreError``; after ``close()`` every method throws.
public final class OfflineStore: Sendable {
    /// How hard a commit tries to reach the disk.
    public enum Durability: Sendable, Hashable {
        /// `synchronous = FULL`: a deposit answered OK survives a power cut. The default: the
        /// sender drops what the relay said it stored.
        case full
        /// `synchronous = NORMAL`: survives a process crash, may lose the last commits on a
        /// power cut; several times faster on slow disks.
        case normal
    }

    /// The database file.
    public let path: String
    /// Quotas, envelope size and maximum age.
    public let limits: OfflineLimits
    let pool: DatabasePool

    /// How long a writer waits for a lock held by another connection before failing.
    public static let busyTimeoutSeconds: Double = 5

    /// Opens (creating if needed, mode 0600) the store at `path` and migrates it.
    ///
    /// - Throws: `.unsupportedSchema` if a newer version wrote it; `.io`/`.corrupt` when it
    ///   cannot be opened.
    public init(path: String, limits: OfflineLimits = .default, durability: Durability = .full) throws(OfflineStoreError) {
        self.path = path
        self.limits = limits
        try PrivateFile.create(path)
        var config = Configuration()
        config.label = "VarianceOffline"
        config.busyMode = .timeout(Self.busyTimeoutSeconds)
        let synchronous = durability == .full ? "FULL" : "NORMAL"
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
        } catch {
            throw OfflineStoreError.from(error)
        }
        do {
            let migrator = OfflineSchema.migrator
            let superseded = try pool.read { db in try migrator.hasBeenSuperseded(db) }
            guard !superseded else { throw OfflineStoreError.unsupportedSchema }
            try migrator.migrate(pool)
            for suffix in ["-wal", "-shm"] {
                try PrivateFile.restrict(path + suffix)
            }
        } catch {
            try? pool.close()
            throw OfflineStoreError.from(error)
        }
    }

    /// Closes every connection. Later calls throw; closing twice does nothing.
    public func close() throws(OfflineStoreError) {
        do {
            try pool.close()
        } catch {
            throw OfflineStoreError.from(error)
        }
    }

    /// How full the store is.
    public func stats() throws(OfflineStoreError) -> OfflineStats {
        try read { db in
            let row = try Row.fetchOne(db, sql: "SELECT envelopes, bytes FROM usage WHERE id = 1")
            let mailboxes = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM mailboxes") ?? 0
            return OfflineStats(envelopes: row?[0] ?? 0, bytes: row?[1] ?? 0, mailboxes: mailboxes)
        }
    }

    /// How full one mailbox is: its envelopes and payload bytes.
    public func usage(of recipient: RecipientKey) throws(OfflineStoreError) -> (envelopes: Int, bytes: Int) {
        try read { db in try mailboxUsage(recipient, db) }
    }

    /// The mailbox's counters inside a transaction.
    func mailboxUsage(_ recipient: RecipientKey, _ db: Database) throws -> (envelopes: Int, bytes: Int) {
        let row = try Row.fetchOne(
            try db.cachedStatement(sql: "SELECT envelopes, bytes FROM mailboxes WHERE recipient = ?"),
            arguments: [recipient.blob])
        return (row?[0] ?? 0, row?[1] ?? 0)
    }

    /// Runs `body` on a read-only snapshot.
    func read<T>(_ body: (Database) throws -> T) throws(OfflineStoreError) -> T {
        do {
            return try pool.read(body)
        } catch {
            throw OfflineStoreError.from(error)
        }
    }

    /// Runs `body` in one write transaction.
    func write<T>(_ body: (Database) throws -> T) throws(OfflineStoreError) -> T {
        do {
            return try pool.write(body)
        } catch {
            throw OfflineStoreError.from(error)
        }
    }
}
