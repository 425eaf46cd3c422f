import Crypto
import GRDB
import Testing
@testable import VarianceStorage
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

@Suite struct FieldCipherTests {
    @Test func sealsAndOpensForTheSameBindingOnly() throws {
        let cipher = try FieldCipher(key: testKey())
        let binding = FieldCipher.binding("messages.body", "A", "c", "s")
        let sealed = try cipher.seal(Array("secret".utf8), binding: binding)
        #expect(sealed.count == 6 + FieldCipher.overhead)
        #expect(try cipher.open(sealed, binding: binding) == Array("secret".utf8))
        #expect(throws: StorageError.decryptFailed) {
            try cipher.open(sealed, binding: FieldCipher.binding("messages.body", "B", "c", "s"))
        }
        // Parts are delimited, so shifting characters between them changes the binding.
        #expect(FieldCipher.binding("t", "ab", "c") != FieldCipher.binding("t", "a", "bc"))
        #expect(throws: StorageError.decryptFailed) { try cipher.open(sealed, binding: FieldCipher.binding("t", "ab", "c")) }
        // Another key, a flipped bit, or a truncated value fail too.
        #expect(throws: StorageError.decryptFailed) { try FieldCipher(key: testKey()).open(sealed, binding: binding) }
        var flipped = sealed
        flipped[flipped.startIndex + 20] ^= 1
        #expect(throws: StorageError.decryptFailed) { try cipher.open(flipped, binding: binding) }
        #expect(throws: StorageError.decryptFailed) { try cipher.open(sealed.prefix(10), binding: binding) }
        // A fresh nonce every time.
        #expect(try cipher.seal(Array("secret".utf8), binding: binding) != sealed)
    }

    @Test func bodiesAreEncryptedAtRest() throws {
        let store = try makeStore()
        let id = ULIDGenerator().next()
        let text = "meet me at the old lighthouse at dawn"
        try store.insertMessage(makeMessage(id, sentAt: 1_000, text: text))
        try store.appendEvent(method: "message.received", params: Array(#"{"text":"\#(text)"}"#.utf8))
        try store.enqueueOutbox(StoredOutboxItem(id: "o1", messageId: id.description, conversation: "did:key:z6MkAlice",
                                                 payload: Array(text.utf8), createdAt: 1))
        try store.setValue(Array(text.utf8), forKey: "draft")

        let needle = Array("lighthouse".utf8)
        let blobs = try store.read { db in
            try Data.fetchAll(db, sql: """
                SELECT body FROM messages UNION ALL SELECT params FROM events
                UNION ALL SELECT payload FROM outbox UNION ALL SELECT value FROM kv
                """)
        }
        #expect(blobs.count == 4)
        for blob in blobs {
            #expect(!contains(Array(blob), needle))
        }
        // Nor anywhere in the files (the database and its WAL).
        for file in [store.path, store.path + "-wal"] {
            #expect(!contains(try readAll(file), needle), "\(file)")
        }
        #expect(try store.message(id: id.description, now: 0)?.text == text)
        #expect(try store.value(forKey: "draft") == Array(text.utf8))
    }

    @Test func ciphertextSwappedBetweenRowsFailsToDecrypt() throws {
        let store = try makeStore()
        let generator = ULIDGenerator()
        let first = generator.next(), second = generator.next()
        try store.insertMessages([makeMessage(first, sentAt: 1, text: "one"), makeMessage(second, sentAt: 2, text: "two")])
        try store.write { db in
            let sql = "SELECT body FROM messages WHERE id = ?"
            let firstBody = try Data.fetchOne(db, sql: sql, arguments: [first.description])
            let secondBody = try Data.fetchOne(db, sql: sql, arguments: [second.description])
            let update = "UPDATE messages SET body = ? WHERE id = ?"
            try db.execute(sql: update, arguments: [secondBody, first.description])
            try db.execute(sql: update, arguments: [firstBody, second.description])
        }
        #expect(throws: StorageError.decryptFailed) { try store.message(id: first.description, now: 0) }
        #expect(throws: StorageError.decryptFailed) { try store.message(id: second.description, now: 0) }
        #expect(throws: StorageError.decryptFailed) {
            try store.messages(conversation: "did:key:z6MkAlice", before: nil, limit: 10, now: 0)
        }

        // Event params moved to another seq, and a setting moved to another key, fail as well.
        try store.appendEvent(method: "a", params: [1])
        try store.appendEvent(method: "a", params: [2])
        try store.write { db in try db.execute(sql: "UPDATE events SET params = (SELECT params FROM events WHERE seq = 1) WHERE seq = 2") }
        #expect(throws: StorageError.decryptFailed) { try store.events(after: 1, limit: 1) }
        try store.setValue([1], forKey: "x")
        try store.write { db in try db.execute(sql: "INSERT INTO kv (key, value) SELECT 'y', value FROM kv WHERE key = 'x'") }
        #expect(throws: StorageError.decryptFailed) { try store.value(forKey: "y") }
    }

    @Test func aWrongKeyFailsToDecrypt() throws {
        let directory = try makeTemporaryDirectory()
        defer { cleanUp(directory) }
        let path = directory + "/store.sqlite"
        let store = try Store(path: path, fieldKey: testKey())
        try store.upsertConversation(StoredConversation(id: "c", kind: .direct, createdAt: 0))
        let id = ULIDGenerator().next()
        try store.insertMessage(makeMessage(id, conversation: "c", sentAt: 1))
        try store.close()
        let other = try Store(path: path, fieldKey: testKey())
        #expect(throws: StorageError.decryptFailed) { try other.message(id: id.description, now: 0) }
        try other.close()
    }

    private func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        return (0...(haystack.count - needle.count)).contains { haystack[$0..<$0 + needle.count].elementsEqual(needle) }
    }

    private func readAll(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        return Array(data)
    }
}
