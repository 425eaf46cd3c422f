import GRDB
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension Store {
    /// The most events `events(after:limit:)` returns at once.
    public static let maxEventBatch = 10_000

    /// Appends an event and returns its `seq`: one more than the last `seq` ever assigned,
    /// also after pruning and reopening. `params` are opaque JSON bytes, stored encrypted.
    @discardableResult
    public func appendEvent(method: String, params: [UInt8], now: Int64 = WallClock.nowMillis()) throws(StorageError) -> Int64 {
        try write { db in
            // The single writer makes read-then-insert safe; AUTOINCREMENT's high-water mark
            // (sqlite_sequence) never goes back, even when the newest rows are deleted.
            let last = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'events'") ?? 0
            let seq = last + 1
            let sealed = try cipher.seal(params, binding: Self.paramsBinding(seq: seq, method: method))
            try db.cachedStatement(sql: "INSERT INTO events (seq, method, params, createdAt) VALUES (?, ?, ?, ?)").execute(arguments: [seq, method, sealed, now])
            return seq
        }
    }

    /// Appends several events in one transaction; returns their seqs, in order.
    public func appendEvents(_ events: [(method: String, params: [UInt8])], now: Int64 = WallClock.nowMillis()) throws(StorageError) -> [Int64] {
        try write { db in try append(events, now: now, db) }
    }

    /// Appends events inside a transaction already open; returns their seqs.
    func append(_ events: [(method: String, params: [UInt8])], now: Int64, _ db: Database) throws -> [Int64] {
        var seq = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'events'") ?? 0
        var seqs: [Int64] = []
        for event in events {
            seq += 1
            let sealed = try cipher.seal(event.params, binding: Self.paramsBinding(seq: seq, method: event.method))
            try db.cachedStatement(sql: "INSERT INTO events (seq, method, params, createdAt) VALUES (?, ?, ?, ?)")
                .execute(arguments: [seq, event.method, sealed, now])
            seqs.append(seq)
        }
        return seqs
    }

    /// Events with `seq > after`, oldest first, at most `limit` (clamped to `1...maxEventBatch`).
    public func events(after: Int64, limit: Int) throws(StorageError) -> [StoredEvent] {
        let limit = min(max(limit, 1), Self.maxEventBatch)
        return try read { db in
            let rows = try Row.fetchAll(try db.cachedStatement(sql: "SELECT seq, method, params, createdAt FROM events WHERE seq > ? ORDER BY seq LIMIT ?"),
                arguments: [after, limit])
            return try rows.map { row in
                let seq: Int64 = try row.decode(atIndex: 0)
                let method: String = try row.decode(atIndex: 1)
                let sealed: Data = try row.decode(atIndex: 2)
                let params = try cipher.open(sealed, binding: Self.paramsBinding(seq: seq, method: method))
                return StoredEvent(seq: seq, method: method, params: params, createdAt: try row.decode(atIndex: 3))
            }
        }
    }

    /// The last `seq` assigned, or 0 when no event was ever appended.
    public func lastEventSeq() throws(StorageError) -> Int64 {
        try read { db in
            try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'events'") ?? 0
        }
    }

    /// Deletes events that are both older than `keepDays` days at `now` and not among the
    /// newest `keepAtLeast` events, so at least 7 days or 100,000 events (whichever is more)
    /// stay replayable by default. Returns how many were deleted.
    @discardableResult
    public func pruneEvents(now: Int64, keepDays: Int = 7, keepAtLeast: Int = 100_000) throws(StorageError) -> Int {
        let cutoff = now - Int64(max(keepDays, 0)) * 86_400_000
        return try write { db in
            let firstKept: Int64
            if keepAtLeast > 0 {
                // The seq of the keepAtLeast-th newest event; nothing to prune if there are fewer.
                guard let seq = try Int64.fetchOne(try db.cachedStatement(sql: "SELECT seq FROM events ORDER BY seq DESC LIMIT 1 OFFSET ?"), arguments: [keepAtLeast - 1])
                else { return 0 }
                firstKept = seq
            } else {
                firstKept = .max
            }
            try db.cachedStatement(sql: "DELETE FROM events WHERE seq < ? AND createdAt < ?").execute(arguments: [firstKept, cutoff])
            return db.changesCount
        }
    }

    static func paramsBinding(seq: Int64, method: String) -> [UInt8] {
        FieldCipher.binding("events.params", String(seq), method)
    }
}
