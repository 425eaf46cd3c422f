import LibP2PCore
import VarianceMessaging
import VarianceStorage

/// The outbox: everything we send that must arrive (texts, receipts, timer changes) is
/// stored in it first, in the same transaction as the message it carries, and leaves it
/// only when the peer's node acknowledged it.
///
/// Order: each conversation's queue is sent oldest first by one drain at a time, and a
/// drain stops at the first failure, so nothing overtakes an older item. Retries: a failed
/// head waits `retryDelayMillis(attempts:)` (2 s doubling, at most 10 min) on the outbox
/// timer, and is tried at once when one of the contact's peers connects or the user sends
/// another message in that conversation.
extension Engine {
    /// The delay before the next scheduled attempt after `attempts` earlier failures.
    static func retryDelayMillis(attempts: Int) -> Int64 {
        min(2_000 << Int64(min(max(attempts, 0), 9)), 600_000)
    }

    /// How many queued items one drain step reads.
    static let drainBatch = 100

    /// Queues a control message (a receipt, a timer change) for `did` behind whatever is
    /// queued for it already, and starts a drain.
    func enqueueControl(_ content: Content, to did: String) throws(EngineError) {
        let store = try readyStore()
        let now = clock()
        let id = Self.messageIDs.next(unixMillis: now).description
        do {
            let payload = try DirectMessageCodec.encode(DirectMessage(id: id, sentAtMs: UInt64(now), content: content))
            try store.enqueueOutbox(StoredOutboxItem(id: id, conversation: did, payload: payload, createdAt: now))
        } catch {
            throw Self.map(error)
        }
        kickDrain(did)
    }

    /// Starts a drain of `conversation`'s queue, or asks the running one to look again.
    func kickDrain(_ conversation: String) {
        guard !draining.contains(conversation) else {
            drainAgain.insert(conversation)
            return
        }
        draining.insert(conversation)
        Task { await self.drain(conversation) }
    }

    /// Sends `conversation`'s queued items in order until the queue is empty or one fails,
    /// then wakes whoever waits on that queue.
    private func drain(_ conversation: String) async {
        defer {
            draining.remove(conversation)
            if let waiters = deliveryWaiters.removeValue(forKey: conversation) {
                for waiter in waiters.values { waiter.resume() }
            }
        }
        repeat {
            drainAgain.remove(conversation)
            guard let items = try? readyStore().queuedOutbox(conversation: conversation, limit: Self.drainBatch) else { return }
            for item in items where await !attemptDelivery(of: item) {
                drainAgain.remove(conversation)
                draining.remove(conversation)
                scheduleOutboxTimer()
                return
            }
            if items.count == Self.drainBatch { drainAgain.insert(conversation) }
        } while drainAgain.contains(conversation)
    }

    /// Starts (or joins) the drain of a newly stored item's queue and waits until the item
    /// was sent or the drain stopped short of it.
    func drainAndWait(for item: StoredOutboxItem) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            deliveryWaiters[item.conversation, default: [:]][item.id] = continuation
            kickDrain(item.conversation)
        }
    }

    /// Tries to deliver one queued item. A text moves to `sent` (with a `message.status`
    /// event unless `messages.send` is waiting to say so in its reply), and the item leaves
    /// the outbox; on failure the item is rescheduled. Returns whether it was delivered.
    private func attemptDelivery(of item: StoredOutboxItem) async -> Bool {
        guard let store = try? readyStore() else { return false }
        do {
            let message = try DirectMessageCodec.decodeMessage(item.payload)
            try await deliver(message, to: item.conversation)
        } catch {
            logger.info("Still queued", metadata: ["item": "\(item.id)", "reason": "\(Self.reason(error))"])
            _ = try? store.bumpOutbox(id: item.id, nextAttemptAt: clock() + Self.retryDelayMillis(attempts: item.attempts))
            return false
        }
        do {
            try store.removeOutbox(id: item.id)
            if !item.messageId.isEmpty, let identity {
                let changed = try store.advanceStatus(
                    of: [item.messageId], conversation: item.conversation, sender: identity.did, to: "sent")
                // (When a receipt overtook the Ack, the message is past sent already and
                // its events were emitted then.)
                if let waiter = deliveryWaiters[item.conversation]?.removeValue(forKey: item.id) {
                    waiter.resume()
                } else if !changed.isEmpty {
                    try emit(.messageStatus(id: item.messageId, conversation: item.conversation, status: "sent"))
                }
            }
        } catch {
            logger.error("Recording a delivery failed", metadata: ["item": "\(item.id)", "error": "\(Self.reason(error))"])
        }
        return true
    }

    /// Makes the queues of every contact whose record names `peer` due now and drains them.
    func flushOutbox(to peer: PeerID) {
        guard identity != nil, let store = try? readyStore(), let queues = try? store.outboxQueues() else { return }
        for queue in queues {
            guard let record = try? knownRecord(queue.conversation), record.peerIDs.contains(peer) else { continue }
            try? store.rescheduleOutbox(conversation: queue.conversation, at: clock())
            kickDrain(queue.conversation)
        }
    }

    /// Arms the outbox timer for the earliest queue head not being drained now (none when
    /// nothing waits).
    func scheduleOutboxTimer() {
        guard let queues = try? readyStore().outboxQueues(),
            let next = queues.filter({ !draining.contains($0.conversation) }).map(\.nextAttemptAt).min()
        else {
            outboxTimer?.cancel()
            outboxTimer = nil
            outboxTimerDue = nil
            return
        }
        if outboxTimer != nil, let due = outboxTimerDue, due <= next { return }
        outboxTimer?.cancel()
        outboxTimerDue = next
        let delay = max(next - clock(), 0)
        outboxTimer = Task { [weak self] in
            try? await Task.sleep(for: .milliseconds(delay))
            guard !Task.isCancelled else { return }
            await self?.outboxTimerFired()
        }
    }

    /// Drains every queue whose head is due, then re-arms the timer for the rest.
    private func outboxTimerFired() {
        outboxTimer = nil
        outboxTimerDue = nil
        guard let queues = try? readyStore().outboxQueues() else { return }
        let now = clock()
        var later: Int64?
        for queue in queues {
            if queue.nextAttemptAt <= now {
                kickDrain(queue.conversation)
            } else {
                later = min(later ?? .max, queue.nextAttemptAt)
            }
        }
        if later != nil { scheduleOutboxTimer() }  // the kicked queues are draining, so not counted
    }

    static func reason(_ error: any Error) -> String {
        (error as? EngineError)?.message ?? "\(error)"
    }
}
