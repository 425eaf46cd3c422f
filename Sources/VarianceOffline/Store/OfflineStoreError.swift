import GRDB

/// Why a store operation failed. Every ``OfflineStore`` method throws only this type.
///
/// Associated strings come from SQLite's own messages (table and column names, never bound
/// values), so they carry no keys or payload bytes and are safe to log.
public enum OfflineStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The disk (or the database's size limit) is full.
    case diskFull
    /// The file is damaged or is not a database.
    case corrupt(String)
    /// The file could not be opened, read or written, or a system call failed.
    case io(String)
    /// The database was migrated by a newer version.
    case unsupportedSchema
    /// Any other SQLite error (busy after the timeout, use after ``OfflineStore/close()``, …).
    case database(String)

    /// A short, log-safe description.
    public var description: String {
        switch self {
        case .diskFull: "offline store: the disk is full"
        case .corrupt(let m): "offline store: the database is damaged (\(m))"
        case .io(let m): "offline store: I/O error (\(m))"
        case .unsupportedSchema: "offline store: the database was written by a newer version"
        case .database(let m): "offline store: database error (\(m))"
        }
    }

    /// Maps any error thrown inside a database access.
    static func from(_ error: any Error) -> OfflineStoreError {
        if let error = error as? OfflineStoreError { return error }
        if error is RowDecodingError { return .corrupt("a column holds a value of the wrong type") }
        guard let error = error as? DatabaseError else { return .database(String(describing: type(of: error))) }
        let message = error.message ?? "code \(error.extendedResultCode.rawValue)"
        switch error.extendedResultCode {
        case .SQLITE_FULL: return .diskFull
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: return .corrupt(message)
        case .SQLITE_IOERR, .SQLITE_CANTOPEN, .SQLITE_READONLY, .SQLITE_PERM: return .io(message)
        default: return .database(message)
        }
    }
}
