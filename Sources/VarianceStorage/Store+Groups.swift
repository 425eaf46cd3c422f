import GRDB
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One entry of a group's log: an MLS message as applied, in order.
public struct GroupLogEntry: Sendable, Equatable {
    /// What kind of MLS content it carries.
    public enum Kind: String, Sendable {
        case commit, proposal, message
    }

    /// Local order (the sync cursor).
    public var seq: Int64
    /// The epoch it was sent in.
    public var epoch: UInt64
    /// SHA-256 of `bytes`: the deduplication key.
    public var hash: [UInt8]
    public var kind: Kind
    /// Our own application messages: the message id (to send the same bytes again).
    public var messageID: String
    /// The MLSMessage bytes.
    public var bytes: [UInt8]

    public init(seq: Int64 = 0, epoch: UInt64, hash: [UInt8], kind: Kind, messageID: String = "", bytes: [UInt8]) {
        self.seq = seq
        self.epoch = epoch
        self.hash = hash
        self.kind = kind
        self.messageID = messageID
        self.bytes = bytes
    }
}

extension Store {
    /// Entries of a group's log kept at most; the oldest go first (members that were away
    /// longer than this many messages resynchronise from the newest epochs kept).
    public static let maxGroupLogEntries = 20_000

    /// Appends entries to a group's log, skipping those whose hash is there already, and in
    /// the same transaction writes `settings` (the group's new MLS state).
    /// - Returns: how many were new.
    @discardableResult
    public func appendGroupLog(
        _ groupID: String, _ entries: [GroupLogEntry], settings: [(key: String, value: [UInt8])] = [], now: Int64
    ) throws(StorageError) -> Int {
        try write { db in
            try set(settings, db)
            var added = 0
            for entry in entries {
                try db.cachedStatement(sql: """
                    INSERT OR IGNORE INTO group_log (groupId, epoch, hash, kind, messageId, bytes, createdAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """).execute(arguments: [
                        groupID, Int64(clamping: entry.epoch), Data(entry.hash), entry.kind.rawValue, entry.messageID,
                        Data(entry.bytes), now,
                    ])
                added += db.changesCount
            }
            if added > 0 {
                try db.cachedStatement(sql: """
                    DELETE FROM group_log WHERE groupId = ?1 AND seq <= (
                        SELECT seq FROM group_log WHERE groupId = ?1 ORDER BY seq DESC LIMIT 1 OFFSET ?2)
                    """).execute(arguments: [groupID, Self.maxGroupLogEntries])
            }
            return added
        }
    }

    /// Whether the group's log holds a message with this hash.
    public func groupLogContains(_ groupID: String, hash: [UInt8]) throws(StorageError) -> Bool {
        try read { db in
            try Bool.fetchOne(try db.cachedStatement(sql: "SELECT 1 FROM group_log WHERE groupId = ? AND hash = ?"),
                arguments: [groupID, Data(hash)]) ?? false
        }
    }

    /// Entries of epoch `epoch` and later after cursor `after`, in log order, at most `limit`.
    public func groupLog(_ groupID: String, fromEpoch epoch: UInt64, after: Int64, limit: Int) throws(StorageError) -> [GroupLogEntry] {
        let limit = min(max(limit, 1), Self.maxPageSize)
        return try read { db in
            try Row.fetchAll(try db.cachedStatement(sql: """
                SELECT seq, epoch, hash, kind, messageId, bytes FROM group_log
                WHERE groupId = ? AND epoch >= ? AND seq > ? ORDER BY seq LIMIT ?
                """), arguments: [groupID, Int64(clamping: epoch), after, limit]).map(Self.decodeLogEntry)
        }
    }

    /// Our application message `messageID` as sent in `epoch`, if it is in the log.
    public func groupLogMessage(_ groupID: String, messageID: String, epoch: UInt64) throws(StorageError) -> GroupLogEntry? {
        try read { db in
            try Row.fetchOne(try db.cachedStatement(sql: """
                SELECT seq, epoch, hash, kind, messageId, bytes FROM group_log
                WHERE groupId = ? AND messageId = ? AND epoch = ? ORDER BY seq DESC LIMIT 1
                """), arguments: [groupID, messageID, Int64(clamping: epoch)]).map(Self.decodeLogEntry)
        }
    }

    /// Takes a losing branch out of the log: the commit `hash` and everything of later
    /// epochs than `epoch`. Writes `settings` in the same transaction.
    public func dropGroupBranch(
        _ groupID: String, commit hash: [UInt8], after epoch: UInt64, settings: [(key: String, value: [UInt8])]
    ) throws(StorageError) {
        try write { db in
            try set(settings, db)
            try db.cachedStatement(sql: "DELETE FROM group_log WHERE groupId = ? AND (hash = ? OR epoch > ?)")
                .execute(arguments: [groupID, Data(hash), Int64(clamping: epoch)])
        }
    }

    /// Removes a group's log and receipts (the group was left and forgotten).
    public func removeGroupLog(_ groupID: String) throws(StorageError) {
        try write { db in
            try db.cachedStatement(sql: "DELETE FROM group_log WHERE groupId = ?").execute(arguments: [groupID])
        }
    }

    /// Notes that `member` has received (or read) our messages `ids` and returns, for each
    /// id, the members that have reached at least `status` now.
    public func noteGroupReceipts(
        _ ids: [String], member: String, status: String
    ) throws(StorageError) -> [String: Set<String>] {
        try write { db in
            var result: [String: Set<String>] = [:]
            for id in ids {
                try db.cachedStatement(sql: """
                    INSERT INTO group_receipts (messageId, member, status) VALUES (?, ?, ?)
                    ON CONFLICT (messageId, member) DO UPDATE SET status =
                        CASE WHEN group_receipts.status = 'read' THEN 'read' ELSE excluded.status END
                    """).execute(arguments: [id, member, status])
                let statuses = status == "read" ? ["read"] : ["delivered", "read"]
                let members = try String.fetchAll(try db.cachedStatement(sql: """
                    SELECT member FROM group_receipts WHERE messageId = ? AND status IN (\(statuses.map { "'\($0)'" }.joined(separator: ",")))
                    """), arguments: [id])
                result[id] = Set(members)
            }
            return result
        }
    }

    /// Our messages in `conversation` up to and including `upTo` (by id) that are not read yet.
    public func ownUnreadMessageIDs(conversation: String, sender: String, upTo: String, limit: Int) throws(StorageError) -> [String] {
        try read { db in
            try String.fetchAll(try db.cachedStatement(sql: """
                SELECT id FROM messages WHERE conversation = ? AND sender = ? AND id <= ? AND status != 'read'
                ORDER BY id DESC LIMIT ?
                """), arguments: [conversation, sender, upTo, min(max(limit, 1), Self.maxPageSize)])
        }
    }

    private static func decodeLogEntry(_ row: Row) throws -> GroupLogEntry {
        let kind: String = try row.decode(atIndex: 3)
        guard let kind = GroupLogEntry.Kind(rawValue: kind) else { throw StorageError.corrupt("group_log.kind") }
        let epoch: Int64 = try row.decode(atIndex: 1)
        let hash: Data = try row.decode(atIndex: 2)
        let bytes: Data = try row.decode(atIndex: 5)
        return GroupLogEntry(
            seq: try row.decode(atIndex: 0), epoch: UInt64(max(epoch, 0)), hash: Array(hash), kind: kind,
            messageID: try row.decode(atIndex: 4), bytes: Array(bytes))
    }
}
