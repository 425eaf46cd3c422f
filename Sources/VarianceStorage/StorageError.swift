import GRDB

/// Why a storage operation failed.
///
/// Every `Store` method throws only this type. Associated strings come from SQLite's own
/// error messages (table and column names, never bound values), so they carry no message
/// text, keys or other plaintext and are safe to log.
public enum StorageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The disk (or the database's size limit) is full (`SQLITE_FULL`).
    case diskFull
    /// The database file is damaged or is not a database (`SQLITE_CORRUPT`, `SQLITE_NOTADB`).
    case corrupt(String)
    /// The file could not be opened, read or written (`SQLITE_IOERR`, `SQLITE_CANTOPEN`,
    /// `SQLITE_READONLY`, `SQLITE_PERM`, or a failing system call).
    case io(String)
    /// An encrypted field did not authenticate: wrong key, damaged value, or a value moved
    /// from another row or column.
    case decryptFailed
    /// The field key is not a 256-bit key.
    case invalidKey
    /// A paging cursor was not produced by this store.
    case invalidCursor
    /// A referenced row does not exist (for example a message for an unknown conversation).
    case notFound(String)
    /// A uniqueness or check constraint failed.
    case conflict(String)
    /// The database was migrated by a newer version of Variance.
    case unsupportedSchema
    /// Any other SQLite error (`SQLITE_BUSY` after the busy timeout, misuse after `close()`, …).
    case database(String)

    /// A short, log-safe description.
    public var description: String {
        switch self {
        case .diskFull: "storage: the disk is full"
        case .corrupt(let m): "storage: the database is damaged (\(m))"
        case .io(let m): "storage: I/O error (\(m))"
        case .decryptFailed: "storage: an encrypted field could not be decrypted"
        case .invalidKey: "storage: the field key must be 256 bits"
        case .invalidCursor: "storage: invalid paging cursor"
        case .notFound(let m): "storage: not found (\(m))"
        case .conflict(let m): "storage: conflict (\(m))"
        case .unsupportedSchema: "storage: the database was written by a newer version"
        case .database(let m): "storage: database error (\(m))"
        }
    }

    /// Maps any error thrown inside a database access to a `StorageError`.
    static func from(_ error: any Error) -> StorageError {
        if let error = error as? StorageError { return error }
        if error is RowDecodingError { return .corrupt("a column holds a value of the wrong type") }
        guard let error = error as? DatabaseError else {
            return .database(String(describing: type(of: error)))
        }
        let message = error.message ?? "code \(error.extendedResultCode.rawValue)"
        switch error.extendedResultCode {
        case .SQLITE_FULL: return .diskFull
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: return .corrupt(message)
        case .SQLITE_IOERR, .SQLITE_CANTOPEN, .SQLITE_READONLY, .SQLITE_PERM: return .io(message)
        case .SQLITE_CONSTRAINT_FOREIGNKEY: return .notFound(message)
        case .SQLITE_CONSTRAINT: return .conflict(message)
        default: return .database(message)
        }
    }
}
