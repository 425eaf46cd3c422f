import Synchronization
import VarianceIdentity
import VarianceMessaging
import VarianceStorage

/// The intake of `messages.send`: sends are taken in on the caller's thread, in the order
/// they arrive (the RPC reader thread), and stored in bulk: every send waiting when the
/// actor gets to them goes into one transaction, in order. A burst of sends then costs one
/// commit, not one each; a single send costs what it did.
///
/// Anything that must see the sends taken in before it (listing, marking read, changing the
/// timer) first calls ``Engine/flushSends()``.
final class SendIntake: Sendable {
    struct Pending: Sendable {
        var conversation: String
        var text: String
        var replyTo: String?
        var ticket: SendTicket
    }

    struct State {
        var pending: [Pending] = []
        var flushScheduled = false
    }

    let state = Mutex(State())
}

/// The promise of one `messages.send`: the message id and status once stored, or why not.
public final class SendTicket: Sendable {
    private struct State {
        var outcome: Result<SentMessage, EngineError>?
        var waiter: CheckedContinuation<Result<SentMessage, EngineError>, Never>?
    }

    private let state = Mutex(State())

    func resolve(_ outcome: Result<SentMessage, EngineError>) {
        let waiter = state.withLock { state -> CheckedContinuation<Result<SentMessage, EngineError>, Never>? in
            guard state.outcome == nil else { return nil }
            state.outcome = outcome
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: outcome)
    }

    /// Waits until the message is stored (or refused).
    public func value() async throws(EngineError) -> SentMessage {
        let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<Result<SentMessage, EngineError>, Never>) in
            let ready = state.withLock { state -> Result<SentMessage, EngineError>? in
                if let outcome = state.outcome { return outcome }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
        return try outcome.get()
    }
}

/// A stored message as `messages.send` answers it.
public struct SentMessage: Sendable, Equatable {
    public var id: String
    public var status: String
}

extension Engine {
    /// Takes a send in, in the caller's order, and returns its ticket at once. Nothing is
    /// stored yet; the ticket says when it is.
    public nonisolated func enqueueSend(conversation: String, text: String, replyTo: String?) -> SendTicket {
        let ticket = SendTicket()
        let schedule = sendIntake.state.withLock { state -> Bool in
            state.pending.append(.init(conversation: conversation, text: text, replyTo: replyTo, ticket: ticket))
            guard !state.flushScheduled else { return false }
            state.flushScheduled = true
            return true
        }
        if schedule {
            Task {
                await self.resolveUnknownNames()
                await self.flushSends()
            }
        }
        return ticket
    }

    /// Before a flush: every `@name` waiting in the intake that is not yet a contact is looked
    /// up in the DHT and added (as `contacts.add {username}` would), at most 10 s in all.
    /// Sends arriving meanwhile join the same flush, in order.
    func resolveUnknownNames() async {
        let names = sendIntake.state.withLock { state in
            Array(Set(state.pending.map(\.conversation).filter { $0.hasPrefix("@") }))
        }
        let deadline = ContinuousClock.now + .seconds(10)
        for name in names where (try? contactDID(named: name)) == nil && Username.normalize(name) != nil {
            guard ContinuousClock.now < deadline else { break }
            _ = try? await addContact(username: name, nickname: nil)
        }
    }

    /// A person as methods take one: `@name` of a contact becomes its DID; anything else is
    /// returned as it is (a DID, checked where it is used).
    public func personDID(_ text: String) throws(EngineError) -> String {
        text.hasPrefix("@") ? try contactDID(named: text) : text
    }

    /// The DID of the contact whose username is `@name` (a name that is not a contact yet was
    /// looked up in the DHT and added just before, by ``resolveUnknownNames()``).
    func contactDID(named text: String) throws(EngineError) -> String {
        guard let name = Username.normalize(text) else {
            throw EngineError.invalid(field: "conversation", reason: "is not a valid @name")
        }
        let contacts: [StoredContact]
        do { contacts = try readyStore().contacts() } catch { throw Self.map(error) }
        guard let contact = contacts.first(where: { $0.username.flatMap(Username.normalize) == name }) else {
            throw EngineError.notFound("No contact is called @\(name), and the name was not found in the network.")
        }
        return contact.did
    }

    /// Stores every send taken in so far, in order, in one transaction, answers their
    /// tickets and starts the drains of their conversations.
    func flushSends() {
        let batch = sendIntake.state.withLock { state -> [SendIntake.Pending] in
            defer {
                state.pending.removeAll()
                state.flushScheduled = false
            }
            return state.pending
        }
        guard !batch.isEmpty else { return }
        let identity: Identity
        let store: Store
        do throws(EngineError) {
            identity = try readyIdentity()
            store = try readyStore()
        } catch {
            for pending in batch { pending.ticket.resolve(.failure(error)) }
            return
        }
        let now = clock()
        var rows: [(message: StoredMessage, item: StoredOutboxItem)] = []
        var accepted: [SendIntake.Pending] = []
        var timers: [String: Int64] = [:]
        for var pending in batch {
            do {
                if pending.conversation.hasPrefix("@") { pending.conversation = try contactDID(named: pending.conversation) }
                if Self.isGroupID(pending.conversation) {
                    loadGroupsIfNeeded()
                    guard let group = groupRuntimes[pending.conversation] else {
                        throw EngineError.notFound("No group \(pending.conversation).")
                    }
                    guard group.active else { throw EngineError.conflict("You are no longer in this group.") }
                } else {
                    guard pending.conversation.hasPrefix("did:key:"), pending.conversation != identity.did else {
                        throw EngineError.invalid(field: "conversation", reason: "must be the DID of a contact or a group id")
                    }
                }
                if timers[pending.conversation] == nil {
                    let existing = try store.conversation(id: pending.conversation)
                    // (Storing the message raises an existing conversation's activity time.)
                    if existing == nil { try ensureConversation(pending.conversation, store: store, now: now) }
                    timers[pending.conversation] = existing?.timerSeconds ?? 0
                }
                let timer = timers[pending.conversation] ?? 0
                let expiresIn = timer > 0 ? UInt32(clamping: timer) : nil
                let id = Self.messageIDs.next(unixMillis: now).description
                let content = DirectMessage(
                    id: id, sentAtMs: UInt64(now),
                    content: .text(body: pending.text, replyTo: pending.replyTo, expiresInSeconds: expiresIn))
                let payload: [UInt8]
                do { payload = try DirectMessageCodec.encode(content) } catch {
                    throw EngineError.invalid(field: "text", reason: "cannot be encoded (\(error))")
                }
                rows.append((
                    StoredMessage(
                        id: id, conversation: pending.conversation, sender: identity.did, text: pending.text, sentAt: now,
                        status: "queued", replyTo: pending.replyTo,
                        expiresAt: now + Int64(expiresIn ?? MessagingLimits.maxTimerSeconds) * 1000),
                    StoredOutboxItem(id: id, messageId: id, conversation: pending.conversation, payload: payload, createdAt: now)
                ))
                accepted.append(pending)
            } catch let error as EngineError {
                pending.ticket.resolve(.failure(error))
            } catch {
                pending.ticket.resolve(.failure(Self.map(error)))
            }
        }
        guard !rows.isEmpty else { return }
        do { try store.insertOutgoing(rows) } catch {
            let failure = Self.map(error)
            for pending in accepted { pending.ticket.resolve(.failure(failure)) }
            return
        }
        for (pending, row) in zip(accepted, rows) { pending.ticket.resolve(.success(SentMessage(id: row.message.id, status: "queued"))) }
        for conversation in Set(rows.map(\.message.conversation)) { kickDrain(conversation) }
    }
}
