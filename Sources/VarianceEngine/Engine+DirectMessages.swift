import LibP2P
import LibP2PCore
import VarianceIdentity
import VarianceMessaging
import VarianceOlm
import VarianceStorage

/// Direct messages over `/variance/dm/1.0.0`: receiving (decrypt, store, event, Ack) and
/// sending (encrypt, request, mark sent), a batch of envelopes per stream.
extension Engine {
    /// The most envelopes sent on one stream.
    static let maxEnvelopesPerStream = 64

    /// Registers the identity and direct-message protocols on a new node.
    func registerMessagingProtocols(on node: Swarm) async {
        await node.handleRequests(
            Self.keyPackageProtocol, maxRequestBytes: GroupWire.maxRequestBytes, maxResponseBytes: GroupWire.maxKeyPackageResponseBytes
        ) {
            [weak self] peer, request in
            guard let self else { throw EngineError.internalError("the engine is gone") }
            return try await self.answerKeyPackageRequest(from: peer, request)
        }
        await node.handleRequests(
            Self.groupSyncProtocol, maxRequestBytes: GroupWire.maxRequestBytes, maxResponseBytes: GroupWire.maxSyncResponseBytes
        ) {
            [weak self] peer, request in
            guard let self else { throw EngineError.internalError("the engine is gone") }
            return try await self.answerSync(from: peer, request)
        }
        await node.handleRequests(
            MessagingProtocol.identity, maxRequestBytes: 4096, maxResponseBytes: MessagingProtocol.maxResponseBytes
        ) { [weak self] _, request in
            guard let self else { throw EngineError.internalError("the engine is gone") }
            return try await self.answerKeyRequest(request)
        }
        await node.handleBatches(
            MessagingProtocol.directMessage, maxRequestBytes: MessagingProtocol.maxRequestBytes,
            maxRequests: Self.maxEnvelopesPerStream, maxResponseBytes: 4096
        ) { [weak self] peer, requests in
            guard let self else { throw EngineError.internalError("the engine is gone") }
            await self.awaitInitialFetch()
            return try await self.receiveEnvelopes(requests, from: peer, node: node)
        }
    }

    /// Handles a batch of envelopes from `peer` and returns one encoded Ack per envelope.
    /// The Olm state is persisted once for the batch and the texts are stored in one
    /// transaction, all before any Ack is returned.
    ///
    /// With `peer` nil the envelopes came from a relay's offline store: the sender must be
    /// known already (its record is not fetched; the Olm session authenticates it), and a
    /// failure to store throws, so that the relay keeps the batch.
    func receiveEnvelopes(_ requests: [[UInt8]], from peer: PeerID?, node: Swarm) async throws -> [[UInt8]] {
        let identity = try readyIdentity()
        var acks: [Ack] = []
        var decrypted: [(message: DirectMessage, record: IdentityRecord, ack: Int)] = []
        var usedOneTimeKey = false
        // A batch comes from one sender, almost always: look each contact up once.
        var contacts: [String: StoredContact?] = [:]
        func contact(_ did: String) throws -> StoredContact? {
            if let known = contacts[did] { return known }
            let found = try readyStore().contact(did: did)
            contacts[did] = .some(found)
            return found
        }
        for bytes in requests {
            let envelope: Envelope
            do { envelope = try DirectMessageCodec.decodeEnvelope(bytes) } catch {
                acks.append(Ack(envelopeIDs: [], refusal: .malformed))
                continue
            }
            let accept = Ack(envelopeIDs: [envelope.envelopeID])
            func refuse(_ refusal: Ack.Refusal) -> Ack { Ack(envelopeIDs: [envelope.envelopeID], refusal: refusal) }
            guard envelope.recipientDID == identity.did else {
                acks.append(refuse(.wrongRecipient))
                continue
            }
            // A blocked sender's envelope is dropped unseen: not decrypted, no event, and
            // acknowledged like any other, so blocking is not observable.
            if try contact(envelope.senderDID)?.blocked == true {
                acks.append(accept)
                continue
            }
            var record = try knownRecord(envelope.senderDID)
            if let peer, record == nil || record?.curve25519Key != envelope.senderKey {
                record = try? await fetchRecord(envelope.senderDID, from: peer, node: node).record
            }
            guard let record, peer.map(record.peerIDs.contains) ?? true else {
                acks.append(refuse(.unknownSender))
                continue
            }
            // A stranger: asked about once; with `contacts.accept: contacts` nothing of
            // theirs is taken until they are added (it stays queued on their side).
            if try contact(record.did) == nil {
                try noteContactRequest(from: record)
                if !configuration.acceptFromStrangers {
                    acks.append(refuse(.unknownSender))
                    continue
                }
            }
            // No suspension from reading the state to adopting the new one.
            let state = try messagingState()
            var rng = SystemRandom()
            do {
                let decryption = try state.book.decrypt(
                    envelope, from: record, account: state.account, ourDID: identity.did, using: &rng)
                messaging?.book = decryption.book
                messaging?.account = decryption.account
                // Only a pre-key message (a new inbound session) uses up a one-time key.
                if envelope.message.messageType == 0 { usedOneTimeKey = true }
                decrypted.append((decryption.message, record, acks.count))
                acks.append(accept)
            } catch .duplicate {
                acks.append(accept)
            } catch {
                logger.debug("An envelope does not decrypt", metadata: ["error": "\(error)"])
                acks.append(refuse(.decryptFailed))
            }
        }
        if !decrypted.isEmpty {
            do {
                // The Olm state (which now counts these messages as seen) is written in the
                // same transaction as the texts: a crash between the two would lose them.
                try apply(decrypted.map { ($0.message, $0.record) }, olmState: messagingPickles(account: usedOneTimeKey))
            } catch {
                // Not stored: refuse what decrypted, so the sender sends it again (newly
                // encrypted; the message ids make the repeat harmless).
                logger.error("Received messages could not be stored", metadata: ["error": "\(Self.reason(error))"])
                // The Olm state in memory already counts them as seen: keeping it would
                // refuse the retry as a duplicate and acknowledge it, losing the text.
                // Fall back to the state last stored, which never saw them.
                messaging = nil
                if peer == nil { throw error }
                for entry in decrypted { acks[entry.ack].refusal = .decryptFailed }
            }
        }
        return try acks.map { ack throws(MessagingError) in try DirectMessageCodec.encode(ack) }
    }

    /// Acts on decrypted messages in the order `ReceivedBatchWrite.plan` gives: the texts of
    /// every sender in one transaction, then the other contents in order, the Olm state
    /// (which counts the whole batch as seen) with the last write. A failure leaves the
    /// stored state from before the batch, so the batch is delivered again, not lost.
    private func apply(_ messages: [(DirectMessage, IdentityRecord)], olmState: [(key: String, value: [UInt8])]) throws {
        let isText = messages.map { entry -> Bool in if case .text = entry.0.content { true } else { false } }
        for write in ReceivedBatchWrite.plan(isText: isText) {
            switch write {
            case .texts(let indices, let withState):
                try storeReceived(indices.map { messages[$0] }, settings: withState ? olmState : [])
            case .other(let index):
                try apply(messages[index].0, from: messages[index].1)
            case .olmState:
                if !olmState.isEmpty { try readyStore().setValues(olmState) }
            }
        }
        // A text or a receipt from them: they have read what waited at their relay.
        for (message, record) in messages {
            switch message.content {
            case .text, .deliveryReceipt, .readReceipt: leftWithRelay[record.did] = nil
            default: break
            }
        }
    }

    /// Acts on one decrypted message from a verified sender.
    private func apply(_ message: DirectMessage, from record: IdentityRecord) throws {
        switch message.content {
        case .text:
            try storeReceived([(message, record)])
        case .deliveryReceipt(let ids):
            try advanceOurMessages(ids, in: record.did, to: "delivered")
        case .readReceipt(let upTo, let ids):
            try applyReadReceipt(upTo: upTo, from: record.did)
            try advanceOurMessages(ids, in: record.did, to: "read")
        case .typing(let active):
            // Only from contacts: a stranger's typing is noise.
            guard try readyStore().contact(did: record.did) != nil else { return }
            try emit(.typing(conversation: record.did, from: record.did, active: active))
        case .presence(let status, let lastSeen):
            // They are reachable and talking to us: anything queued for them goes now.
            if (try? readyStore().queuedOutbox(conversation: record.did, limit: 1).isEmpty) == false { retryNow(record.did) }
            // From a stranger it is kept quietly, in case they become a contact.
            let info = PresenceInfo(status: status, lastSeen: lastSeen.map { Int64(clamping: $0) })
            try updatePresence(of: record.did, info, announce: try readyStore().contact(did: record.did) != nil)
        case .timer(let seconds):
            try applyTimer(seconds, in: record.did, by: record.did)
        case .groupWelcome(let welcome):
            try acceptWelcome(welcome, from: record)
        case .memberInfo:
            break  // only meaningful inside a group
        case .callSignal(let bytes):
            Task { await self.receiveCallSignal(bytes, from: record) }
        }
    }

    /// Moves our messages `ids` in the conversation with `did` forward to `status`, with a
    /// `message.status` event for each step: a receipt that overtook the Ack still shows
    /// `sent` before `delivered`.
    func advanceOurMessages(_ ids: [String], in did: String, to status: String) throws {
        guard !ids.isEmpty else { return }
        let identity = try readyIdentity()
        let order = Store.outgoingStatusOrder
        var events: [EngineEvent] = []
        for (id, former) in try readyStore().advanceStatus(of: ids, conversation: did, sender: identity.did, to: status) {
            guard let from = order.firstIndex(of: former), let to = order.firstIndex(of: status) else { continue }
            for step in order[(from + 1)...to] { events.append(.messageStatus(id: id, conversation: did, status: step)) }
        }
        try emitAll(events)
    }

    /// Remembers that the text `id` from `did` arrived; a burst shares one receipt.
    private func queueDeliveryReceipt(_ id: String, to did: String) {
        let first = pendingReceipts[did] == nil
        pendingReceipts[did, default: []].append(id)
        if first { Task { self.flushDeliveryReceipts(to: did) } }  // after this burst's other envelopes
    }

    func flushDeliveryReceipts(to did: String) {
        guard var ids = pendingReceipts.removeValue(forKey: did) else { return }
        while !ids.isEmpty {
            let chunk = Array(ids.prefix(MessagingLimits.maxReceiptIDs))
            ids.removeFirst(chunk.count)
            do { try enqueueControl(.deliveryReceipt(ids: chunk), to: did) } catch {
                logger.error("A delivery receipt was not queued", metadata: ["error": "\(error.message)"])
            }
        }
    }

    /// Stores received texts, from one sender or several (each sender's conversation is
    /// their DID), and `settings` in one transaction, emits `message.received` for the new
    /// ones and queues their delivery receipts. Each lives `expiresIn` seconds after receipt
    /// (at most 30 days, and no longer than our own timer for the conversation).
    private func storeReceived(_ texts: [(DirectMessage, IdentityRecord)], settings: [(key: String, value: [UInt8])] = []) throws {
        guard !texts.isEmpty else { return }
        let store = try readyStore()
        let now = clock()
        // Each sender's contact and conversation first (both idempotent, so a batch that
        // fails after them and comes again finds them made).
        var conversations: [String: StoredConversation] = [:]
        var newContacts: [String] = []
        for (_, record) in texts where conversations[record.did] == nil {
            if try store.contact(did: record.did) == nil {
                try store.upsertContact(StoredContact(did: record.did, username: record.username, addedAt: now))
                newContacts.append(record.did)
            }
            // (Storing the messages raises the conversation's activity time.)
            conversations[record.did] = try store.conversation(id: record.did) ?? ensureConversation(record.did, store: store, now: now)
        }
        let stored = texts.compactMap { message, record -> StoredMessage? in
            guard case .text(let body, let replyTo, let expiresIn) = message.content,
                let conversation = conversations[record.did] else { return nil }
            var lifetime = Int64(expiresIn ?? MessagingLimits.maxTimerSeconds)
            if conversation.timerSeconds > 0 { lifetime = min(lifetime, conversation.timerSeconds) }
            return StoredMessage(
                id: message.id, conversation: record.did, sender: record.did, text: body,
                sentAt: Int64(clamping: message.sentAtMs), receivedAt: now, status: "received", replyTo: replyTo,
                expiresAt: now + lifetime * 1000)
        }
        // The messages, their `message.received` events and the settings in one transaction.
        let encode = { (message: StoredMessage) in self.encoded(.messageReceived(Self.message(message))) }
        let new = try store.insertIncoming(stored, event: encode, settings: settings)
        push(new.map { entry in
            let (method, params) = encode(entry.message)
            return EventRecord(seq: entry.seq, method: method, params: params)
        })
        for entry in new { queueDeliveryReceipt(entry.message.id, to: entry.message.sender) }
        // A new contact (they wrote first) hears our presence, as a contact we added would.
        for did in newContacts { Task { await self.tellPresence(to: did) } }
    }

    /// The direct conversation with `did`, created if needed, its activity time raised to `now`.
    @discardableResult
    func ensureConversation(_ did: String, store: Store, now: Int64) throws -> StoredConversation {
        var conversation = try store.conversation(id: did) ?? StoredConversation(id: did, kind: .direct, createdAt: now)
        conversation.lastActivityAt = max(conversation.lastActivityAt, now)
        try store.upsertConversation(conversation)
        return conversation
    }

    /// Message ids: ULIDs that strictly increase within this process.
    static let messageIDs = ULIDGenerator()

    static func message(_ stored: StoredMessage) -> Message {
        Message(
            id: stored.id, conversation: stored.conversation, from: stored.sender, text: stored.text, sentAt: stored.sentAt,
            receivedAt: stored.receivedAt, status: stored.status, replyTo: stored.replyTo, expiresAt: stored.expiresAt)
    }

    /// Stores a text for `conversation` (a DID) with its outbox item and starts the drain
    /// of the conversation's queue (through the send intake, like `messages.send`).
    /// - Returns: The message id and its status, `queued`: it is stored and will be sent in
    ///   order; `message.status` then reports `sent`, `delivered` and `read`.
    public func sendMessage(conversation: String, text: String, replyTo: String?) async throws(EngineError) -> (id: String, status: String) {
        let sent = try await enqueueSend(conversation: conversation, text: text, replyTo: replyTo).value()
        return (sent.id, sent.status)
    }

    /// Encrypts and sends one ephemeral message (typing, presence) to `did`'s peer, dialing
    /// it if needed; never left with a relay (it would be stale when fetched).
    func deliver(_ message: DirectMessage, to did: String) async throws(EngineError) {
        _ = try await deliver([message], to: did, leaveWithRelay: false)
    }

    /// Encrypts `messages` in order and sends them on one stream to `did`'s peer, dialing it
    /// if needed; when no peer of theirs can be reached, leaves them with one of their relays
    /// (if `leaveWithRelay`). The Olm state is persisted before anything is sent.
    /// - Returns: how many, from the first, the peer accepted (at least one).
    /// - Throws: `unreachable` when none was accepted.
    func deliver(_ messages: [DirectMessage], to did: String, leaveWithRelay: Bool = true) async throws(EngineError) -> Int {
        guard !messages.isEmpty else { return 0 }
        let identity = try readyIdentity()
        // One delivery to a person at a time: envelopes then arrive in the order they were
        // encrypted, so the receiver never skips more message keys than it may keep.
        await lockSending(to: did)
        defer { unlockSending(to: did) }
        guard let node = await startNode() else { throw EngineError.unreachable("the node is not running") }
        guard let record = try knownRecord(did) else { throw EngineError.unreachable("No known peer for \(did).") }
        // Behind messages waiting at their relay, new ones wait there too.
        let stillAway = leaveWithRelay && (leftWithRelay[did].map { clock() - $0 < Self.relayStickinessMillis } ?? false)
        guard !stillAway, let peer = await reachablePeer(of: record, node: node) else {
            guard leaveWithRelay else { throw EngineError.unreachable("No reachable peer for \(did).") }
            // Offline, or unreachable: leave the messages with one of their relays.
            return try await depositOffline(messages, to: record, identity: identity, node: node)
        }
        var oneTimeKey: SignedOlmKey?
        if try messagingState().book.sessionCount(with: did) == 0 {
            oneTimeKey = try await fetchRecord(did, from: peer, node: node, wantOneTimeKey: true).oneTimeKey
        }
        let envelopes = try encrypt(messages, to: try knownRecord(did) ?? record, identity: identity, oneTimeKey: oneTimeKey)
        let responses: [[UInt8]]
        do {
            let requests = try envelopes.map { envelope throws(MessagingError) in try DirectMessageCodec.encode(envelope) }
            responses = try await node.batchRequest(
                peer, protocolID: MessagingProtocol.directMessage, requests, maxResponseBytes: 4096,
                timeout: .seconds(15 + envelopes.count / 8))
        } catch {
            throw EngineError.unreachable("Sending failed: \(error)")
        }
        var accepted = 0
        var refusal: Ack.Refusal?
        for (envelope, bytes) in zip(envelopes, responses) {
            guard let ack = try? DirectMessageCodec.decodeAck(bytes) else { break }
            guard ack.refusal == nil, ack.envelopeIDs.contains(envelope.envelopeID) else {
                refusal = ack.refusal
                break
            }
            accepted += 1
        }
        guard accepted > 0 else {
            throw EngineError.unreachable("The peer refused the message (\(refusal.map { "\($0)" } ?? "no answer")).")
        }
        return accepted
    }

    /// Encrypts `messages` in order for `record`'s DID and persists the advanced sessions
    /// before anything is sent.
    func encrypt(
        _ messages: [DirectMessage], to record: IdentityRecord, identity: Identity, oneTimeKey: SignedOlmKey?
    ) throws(EngineError) -> [Envelope] {
        // No suspension between reading the book and persisting the new one.
        let state = try messagingState()
        var rng = SystemRandom()
        var book = state.book
        var envelopes: [Envelope] = []
        do {
            for message in messages {
                let encryption = try book.encrypt(
                    message, to: record, account: state.account, ourDID: identity.did, oneTimeKey: oneTimeKey, using: &rng)
                book = encryption.book
                envelopes.append(encryption.envelope)
            }
        } catch {
            throw EngineError.crypto("The message cannot be encrypted: \(error)")
        }
        messaging?.book = book
        try persistMessaging(account: false)
        return envelopes
    }

    /// Waits until no other delivery to `did` is running, then holds it.
    private func lockSending(to did: String) async {
        if sendingTo.insert(did).inserted { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            sendWaiters[did, default: []].append(continuation)
        }
    }

    /// Hands the delivery to `did` to the next waiter, or frees it.
    private func unlockSending(to did: String) {
        guard var waiters = sendWaiters[did], !waiters.isEmpty else {
            sendingTo.remove(did)
            return
        }
        let next = waiters.removeFirst()
        sendWaiters[did] = waiters.isEmpty ? nil : waiters
        next.resume()
    }

    /// A connected peer of the record, or one reached by dialing its stored addresses.
    func reachablePeer(of record: IdentityRecord, node: Swarm) async -> PeerID? {
        for peer in record.peerIDs where await node.isConnected(to: peer) { return peer }
        return await dialAny(storedAddresses(of: record.did), reaching: record.peerIDs, node: node)
    }
}
