import Crypto
import Testing
@testable import VarianceStorage

/// A field key for tests.
func testKey() -> SymmetricKey { SymmetricKey(size: .bits256) }

/// A fresh temporary directory (removed by `cleanUp`).
func makeTemporaryDirectory() throws -> String {
    try FilePermissions.makeTemporaryDirectory()
}

/// Removes a directory made by `makeTemporaryDirectory`.
func cleanUp(_ directory: String) {
    FilePermissions.removeDirectory(directory)
}

/// A temporary store holding the given direct conversations.
func makeStore(conversations: [String] = ["did:key:z6MkAlice"]) throws -> Store {
    let store = try Store.inMemory(fieldKey: testKey())
    for id in conversations {
        try store.upsertConversation(StoredConversation(id: id, kind: .direct, createdAt: 0))
    }
    return store
}

/// A message with a given id and time.
func makeMessage(
    _ id: ULID, conversation: String = "did:key:z6MkAlice", sentAt: Int64, text: String = "hello",
    expiresAt: Int64? = nil
) -> StoredMessage {
    StoredMessage(
        id: id.description, conversation: conversation, sender: "did:key:z6MkBob", text: text,
        sentAt: sentAt, receivedAt: sentAt + 5, status: "received", expiresAt: expiresAt)
}
