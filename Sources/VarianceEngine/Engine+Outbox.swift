import LibP2PCore
import VarianceMessaging
import VarianceStorage

/// The outbox: a sent message is stored with its outbox item in one transaction, then
/// delivered; when the contact cannot be reached it stays queued and is retried when one
/// of the contact's peers connects.
extension Engine {
    /// The delay before the next scheduled attempt after `attempts` failures (30 s doubling, at most 1 h).
    static func retryDelayMillis(attempts: Int) -> Int64 {
        min(30_000 << Int64(min(attempts, 7)), 3_600_000)
    }

    /// Tries to deliver one queued message. On success it is marked `delivered`, leaves
    /// the outbox and a `message.status` event is emitted; on failure the item is
    /// rescheduled. Returns whether it was delivered.
    func attemptDelivery(of item: StoredOutboxItem) async -> Bool {
        guard !sending.contains(item.messageId), let store = try? readyStore() else { return false }
        sending.insert(item.messageId)
        defer { sending.remove(item.messageId) }
        do {
            let message = try DirectMessageCodec.decodeMessage(item.payload)
            try await deliver(message, to: item.conversation)
        } catch {
            logger.info("Message still queued", metadata: ["id": "\(item.messageId)", "reason": "\(Self.reason(error))"])
            _ = try? store.bumpOutbox(id: item.id, nextAttemptAt: clock() + Self.retryDelayMillis(attempts: item.attempts))
            return false
        }
        do {
            _ = try store.updateMessageStatus(id: item.messageId, status: "delivered")
            try store.removeOutbox(id: item.id)
            try emit(.messageStatus(id: item.messageId, conversation: item.conversation, status: "delivered"))
        } catch {
            logger.error("Recording a delivery failed", metadata: ["id": "\(item.messageId)", "error": "\(Self.reason(error))"])
        }
        return true
    }

    /// Delivers the queued messages of every contact whose record names `peer`, oldest
    /// first; a conversation stops at its first failure to keep its order.
    func flushOutbox(to peer: PeerID) async {
        guard identity != nil, let store = try? readyStore(),
            let items = try? store.dueOutbox(now: .max, limit: 100), !items.isEmpty
        else { return }
        var blocked: Set<String> = []
        for item in items where !blocked.contains(item.conversation) {
            guard let record = try? knownRecord(item.conversation), record.peerIDs.contains(peer) else { continue }
            if await !attemptDelivery(of: item) { blocked.insert(item.conversation) }
        }
    }

    private static func reason(_ error: any Error) -> String {
        (error as? EngineError)?.message ?? "\(error)"
    }
}
