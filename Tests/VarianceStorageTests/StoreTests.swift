import Crypto
import GRDB
import Testing
@testable import VarianceStorage
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite struct StoreTests {
    @Test func migratesAFreshDatabaseAndReopensIt() throws {
        let directory = try makeTemporaryDirectory()
        defer { cleanUp(directory) }
        let path = directory + "/store.sqlite"
        let key = testKey()

        let store = try Store(path: path, fieldKey: key)
        let tables = try store.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        }
        for table in ["contacts", "conversations", "events", "kv", "messages", "outbox"] {
            #expect(tables.contains(table))
        }
        let settings = try store.read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"),
             try Int.fetchOne(db, sql: "PRAGMA foreign_keys"),
             try Int.fetchOne(db, sql: "PRAGMA synchronous"))
        }
        #expect(settings.0 == "wal")
        #expect(settings.1 == 1)
        #expect(settings.2 == 1)  // NORMAL
        try store.upsertConversation(StoredConversation(id: "c", kind: .group, title: "Team", createdAt: 7))
        try store.insertMessage(makeMessage(ULIDGenerator().next(), conversation: "c", sentAt: 10, text: "kept"))
        #expect(try store.integrityCheck())
        try store.close()
        try store.close()  // closing twice is harmless
        #expect(throws: StorageError.self) { try store.contacts() }

        let reopened = try Store(path: path, fieldKey: key)
        let migrations = try reopened.read { db in
            try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
        }
        #expect(migrations == ["v1", "v2", "v3"])
        #expect(try reopened.conversation(id: "c")?.title == "Team")
        #expect(try reopened.messages(conversation: "c", before: nil, limit: 10, now: 0).messages.map(\.text) == ["kept"])
        try reopened.close()
    }

    @Test func refusesADatabaseFromANewerVersion() throws {
        let directory = try makeTemporaryDirectory()
        defer { cleanUp(directory) }
        let path = directory + "/store.sqlite"
        let store = try Store(path: path, fieldKey: testKey())
        try store.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99')")
        }
        try store.close()
        #expect(throws: StorageError.unsupportedSchema) { try Store(path: path, fieldKey: testKey()) }
    }

    @Test func rejectsAKeyOfTheWrongSize() throws {
        #expect(throws: StorageError.invalidKey) { try Store.inMemory(fieldKey: SymmetricKey(size: .bits128)) }
    }

    @Test func filesAreOwnerOnly() throws {
        let directory = try makeTemporaryDirectory()
        defer { cleanUp(directory) }
        let path = directory + "/store.sqlite"
        let store = try Store(path: path, fieldKey: testKey())
        try store.appendEvent(method: "m", params: [1])
        for file in [path, path + "-wal", path + "-shm"] {
            #expect(mode(of: file) == 0o600, "\(file)")
        }
        try store.close()

        // A file left readable by others is tightened when opened.
        #expect(chmod(path, 0o644) == 0)
        let reopened = try Store(path: path, fieldKey: testKey())
        #expect(mode(of: path) == 0o600)
        try reopened.close()
    }

    private func mode(of path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o777
    }

    @Test func mapsDatabaseErrors() {
        #expect(StorageError.from(DatabaseError(resultCode: .SQLITE_FULL)) == .diskFull)
        #expect(StorageError.from(DatabaseError(resultCode: .SQLITE_IOERR_WRITE, message: "m")) == .io("m"))
        #expect(StorageError.from(DatabaseError(resultCode: .SQLITE_CORRUPT, message: "m")) == .corrupt("m"))
        #expect(StorageError.from(DatabaseError(resultCode: .SQLITE_NOTADB, message: "m")) == .corrupt("m"))
    }

    @Test func reportsAFullDisk() throws {
        let store = try makeStore()
        // Cap the file at its current size so the next growth fails with SQLITE_FULL.
        try store.write { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 1
            try db.execute(sql: "PRAGMA max_page_count = \(pages)")
        }
        let big = String(repeating: "x", count: 200_000)
        let generator = ULIDGenerator()
        #expect(throws: StorageError.diskFull) {
            for index in 0..<50 { try store.insertMessage(makeMessage(generator.next(), sentAt: Int64(index), text: big)) }
        }
    }

    @Test func anUnknownConversationIsNotFound() throws {
        let store = try makeStore()
        let message = makeMessage(ULIDGenerator().next(), conversation: "nobody", sentAt: 1)
        #expect {
            try store.insertMessage(message)
        } throws: { error in
            if case StorageError.notFound = error { return true }
            return false
        }
    }

    @Test func notADatabaseIsCorrupt() throws {
        let directory = try makeTemporaryDirectory()
        defer { cleanUp(directory) }
        let path = directory + "/store.sqlite"
        let fd = open(path, O_WRONLY | O_CREAT, 0o600)
        let junk = [UInt8](repeating: 0x5A, count: 8192)
        _ = junk.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        _ = close(fd)
        #expect {
            try Store(path: path, fieldKey: testKey())
        } throws: { error in
            if case StorageError.corrupt = error { return true }
            return false
        }
    }
}
