import GRDB

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension OfflineStore {
    /// Stores one envelope deposited at `now`, or says why not (nothing is stored then).
    ///
    /// A mailbox holds an id once: a repeat is `.duplicate` and the first payload stays,
    /// unless the first has expired, in which case the repeat is stored afresh. Before
    /// refusing for a quota, expired envelopes are deleted and the quota checked again.
    public func deposit(_ envelope: OfflineEnvelope, now: Int64) throws(OfflineStoreError) -> DepositDecision {
        try write { db in try deposit(envelope, now: now, db) }
    }

    /// Stores several envelopes in one transaction (each decided as by
    /// ``deposit(_:now:)``, in order); much faster than one call each.
    public func deposit(_ envelopes: [OfflineEnvelope], now: Int64) throws(OfflineStoreError) -> [DepositDecision] {
        try write { db in try envelopes.map { try deposit($0, now: now, db) } }
    }

    private func deposit(_ envelope: OfflineEnvelope, now: Int64, _ db: Database) throws -> DepositDecision {
        guard envelope.check(limits) == .ok else { return .invalidPayload }
        let recipient = envelope.recipient.blob
        let id = Data(envelope.id.bytes)
        let cutoff = now - limits.maxAgeSeconds
        if let row = try Row.fetchOne(
            try db.cachedStatement(sql: "SELECT seq, depositedAt FROM envelopes WHERE recipient = ? AND id = ?"),
            arguments: [recipient, id])
        {
            let depositedAt: Int64 = row[1]
            guard depositedAt <= cutoff else { return .duplicate }
            let seq: Int64 = row[0]
            try db.execute(sql: "DELETE FROM envelopes WHERE seq = ?", arguments: [seq])
        }
        let size = envelope.payload.count
        if try !mailboxFits(size, envelope.recipient, db) {
            try deleteExpired(cutoff: cutoff, recipient: envelope.recipient, db)
            guard try mailboxFits(size, envelope.recipient, db) else { return .overRecipientQuota }
        }
        if try !storeFits(size, db) {
            try deleteExpired(cutoff: cutoff, recipient: nil, db)
            guard try storeFits(size, db) else { return .overTotalQuota }
        }
        try db.cachedStatement(sql: """
            INSERT INTO envelopes (recipient, id, payload, size, depositedAt) VALUES (?, ?, ?, ?, ?)
            """).execute(arguments: [recipient, id, Data(envelope.payload), size, now])
        return .stored
    }

    private func mailboxFits(_ size: Int, _ recipient: RecipientKey, _ db: Database) throws -> Bool {
        let usage = try mailboxUsage(recipient, db)
        return usage.envelopes + 1 <= limits.maxEnvelopesPerRecipient && usage.bytes + size <= limits.maxBytesPerRecipient
    }

    private func storeFits(_ size: Int, _ db: Database) throws -> Bool {
        let bytes = try Int.fetchOne(try db.cachedStatement(sql: "SELECT bytes FROM usage WHERE id = 1")) ?? 0
        return bytes + size <= limits.maxTotalBytes
    }

    /// Deletes envelopes deposited at or before `cutoff`, of one mailbox or of all.
    func deleteExpired(cutoff: Int64, recipient: RecipientKey?, _ db: Database) throws {
        if let recipient {
            try db.execute(sql: "DELETE FROM envelopes WHERE recipient = ? AND depositedAt <= ?", arguments: [recipient.blob, cutoff])
        } else {
            try db.execute(sql: "DELETE FROM envelopes WHERE depositedAt <= ?", arguments: [cutoff])
        }
    }
}

extension RecipientKey {
    /// The key as an SQLite blob.
    var blob: Data { Data(bytes) }
}
