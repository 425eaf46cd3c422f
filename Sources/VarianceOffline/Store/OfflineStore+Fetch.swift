import GRDB

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension OfflineStore {
    /// The oldest unexpired envelopes of a mailbox deposited after sequence `after`, in
    /// deposit order: at most `limit` of them and `maxBytes` payload bytes, except that the
    /// first always comes (so a large envelope cannot block the mailbox).
    ///
    /// - Parameters:
    ///   - recipient: The mailbox.
    ///   - after: A ``StoredEnvelope/sequence`` from an earlier page, or 0 for the start.
    ///   - limit: At most this many (at least 1 is used).
    ///   - maxBytes: Payload bytes in all.
    ///   - now: Unix seconds; envelopes older than ``OfflineLimits/maxAgeSeconds`` are left out.
    public func pending(
        recipient: RecipientKey, after: Int64 = 0, limit: Int, maxBytes: Int, now: Int64
    ) throws(OfflineStoreError) -> [StoredEnvelope] {
        let cutoff = now - limits.maxAgeSeconds
        return try read { db in
            // Sizes first, so payloads past the byte bound are never read.
            let sizes = try Row.fetchAll(
                try db.cachedStatement(sql: """
                    SELECT seq, size FROM envelopes
                    WHERE recipient = ? AND seq > ? AND depositedAt > ? ORDER BY seq LIMIT ?
                    """),
                arguments: [recipient.blob, after, cutoff, max(limit, 1)])
            var last: Int64?
            var total = 0
            for row in sizes {
                let size: Int = row[1]
                if last != nil && total + size > maxBytes { break }
                total += size
                last = row[0]
            }
            guard let last else { return [] }
            return try Row.fetchAll(
                try db.cachedStatement(sql: """
                    SELECT seq, id, payload, depositedAt FROM envelopes
                    WHERE recipient = ? AND seq > ? AND seq <= ? AND depositedAt > ? ORDER BY seq
                    """),
                arguments: [recipient.blob, after, last, cutoff]
            ).map { row in
                let id: Data = row[1]
                let payload: Data = row[2]
                return StoredEnvelope(sequence: row[0], id: try EnvelopeID(Array(id)), payload: Array(payload), depositedAt: row[3])
            }
        }
    }

    /// Deletes exactly these envelopes of the mailbox (ids it does not hold are ignored).
    ///
    /// - Returns: How many were deleted.
    @discardableResult
    public func acknowledge(recipient: RecipientKey, ids: [EnvelopeID]) throws(OfflineStoreError) -> Int {
        guard !ids.isEmpty else { return 0 }
        return try write { db in
            let statement = try db.cachedStatement(sql: "DELETE FROM envelopes WHERE recipient = ? AND id = ?")
            var deleted = 0
            for id in ids {
                try statement.execute(arguments: [recipient.blob, Data(id.bytes)])
                deleted += db.changesCount
            }
            return deleted
        }
    }

    /// Deletes every envelope older than ``OfflineLimits/maxAgeSeconds`` at `now` (the
    /// relay runs this periodically; expired envelopes are never fetched in any case).
    ///
    /// - Returns: How many were deleted.
    @discardableResult
    public func expire(now: Int64) throws(OfflineStoreError) -> Int {
        try write { db in
            try deleteExpired(cutoff: now - limits.maxAgeSeconds, recipient: nil, db)
            return db.changesCount
        }
    }
}
