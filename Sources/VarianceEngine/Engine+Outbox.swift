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

    /// Sends `conversation`'s queued items in order until the queue is empty or one fails.
    private func drain(_ conversation: String) async {
        defer { draining.remove(conversation) }
        repeat {
            drainAgain.remove(conversation)
            guard let items = try? readyStore().queuedOutbox(conversation: conversation, limit: Self.drainBatch) else { return }
            var next = 0
            while next < items.count {
                let batch = Array(items[next..<min(next + Self.maxEnvelopesPerStream, items.count)])
                let sent = await attemptDelivery(of: batch)
                next += sent
                guard sent == batch.count else {
                    // A kick that came meanwhile (the peer connected, a new send) gets one
                    // more try at once; otherwise the timer takes over.
                    if drainAgain.contains(conversation) { break }
                    draining.remove(conversation)
                    scheduleOutboxTimer()
                    return
                }
            }
            if items.count == Self.drainBatch { drainAgain.insert(conversation) }
        } while drainAgain.contains(conversation)
    }

    /// Tries to deliver a batch of one conversation's queued items, in order, on one
    /// stream. What was sent leaves the outbox and its texts move to `sent` (one
    /// transaction, then the `message.status` events); the first item not sent is
    /// rescheduled. Returns how many were sent.
    private func attemptDelivery(of items: [StoredOutboxItem]) async -> Int {
        guard let store = try? readyStore(), let conversation = items.first?.conversation else { return 0 }
        var messages: [DirectMessage] = []
        for item in items {
            guard let message = try? DirectMessageCodec.decodeMessage(item.payload) else {
                // Never expected (we encoded it): drop it rather than block the queue forever.
                logger.error("A queued item does not decode; dropping it", metadata: ["item": "\(item.id)"])
                _ = try? store.removeOutbox(id: item.id)
                return messages.isEmpty ? 0 : await send(Array(items.prefix(messages.count)), messages, store)
            }
            messages.append(message)
        }
        return await send(items, messages, store)

        func send(_ items: [StoredOutboxItem], _ messages: [DirectMessage], _ store: Store) async -> Int {
            let sent: Int
            do {
                sent = Self.isGroupID(conversation)
                    ? try await deliverToGroup(messages, groupID: conversation) : try await deliver(messages, to: conversation)
            } catch {
                logger.info("Still queued", metadata: ["conversation": "\(conversation)", "reason": "\(Self.reason(error))"])
                _ = try? store.bumpOutbox(id: items[0].id, nextAttemptAt: clock() + Self.retryDelayMillis(attempts: items[0].attempts))
                return 0
            }
            do {
                let moved = try store.completeOutbox(Array(items.prefix(sent)), sender: identity?.did ?? "")
                try emitAll(moved.map { .messageStatus(id: $0, conversation: conversation, status: "sent") })
            } catch {
                logger.error("Recording a delivery failed", metadata: ["conversation": "\(conversation)", "error": "\(Self.reason(error))"])
            }
            if sent < items.count {
                _ = try? store.bumpOutbox(id: items[sent].id, nextAttemptAt: clock() + Self.retryDelayMillis(attempts: items[sent].attempts))
            }
            return sent
        }
    }

    /// Makes the queues of every contact whose record names `peer` due now and drains them.
    func flushOutbox(to peer: PeerID) {
        guard identity != nil, let queues = try? readyStore().outboxQueues() else { return }
        for queue in queues {
            guard let record = try? knownRecord(queue.conversation), record.peerIDs.contains(peer) else { continue }
            retryNow(queue.conversation)
        }
    }

    /// The person is reachable: their queue is due now, its backoff restarts, and it drains.
    func retryNow(_ conversation: String) {
        try? readyStore().rescheduleOutbox(conversation: conversation, at: clock())
        kickDrain(conversation)
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
