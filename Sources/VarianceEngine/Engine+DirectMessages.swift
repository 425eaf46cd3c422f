import LibP2P
import LibP2PCore
import VarianceMessaging
import VarianceOlm
import VarianceStorage

/// Direct messages over `/variance/dm/1.0.0`: receiving (decrypt, store, event, Ack) and
/// sending (encrypt, request, mark delivered).
extension Engine {
    /// Registers the identity and direct-message protocols on a new node.
    func registerMessagingProtocols(on node: Swarm) async {
        await node.handleRequests(
            MessagingProtocol.identity, maxRequestBytes: 4096, maxResponseBytes: MessagingProtocol.maxResponseBytes
        ) { [weak self] _, request in
            guard let self else { throw EngineError.internalError("the engine is gone") }
            return try await self.answerKeyRequest(request)
        }
        await node.handleRequests(
            MessagingProtocol.directMessage, maxRequestBytes: MessagingProtocol.maxRequestBytes, maxResponseBytes: 4096
        ) { [weak self] peer, request in
            guard let self else { throw EngineError.internalError("the engine is gone") }
            return try await self.receiveEnvelope(request, from: peer, node: node)
        }
    }

    /// Handles one envelope from `peer` and returns the encoded Ack.
    func receiveEnvelope(_ bytes: [UInt8], from peer: PeerID, node: Swarm) async throws -> [UInt8] {
        let identity = try readyIdentity()
        let envelope: Envelope
        do { envelope = try DirectMessageCodec.decodeEnvelope(bytes) } catch {
            return try DirectMessageCodec.encode(Ack(envelopeIDs: [], refusal: .malformed))
        }
        func refuse(_ refusal: Ack.Refusal) throws -> [UInt8] {
            try DirectMessageCodec.encode(Ack(envelopeIDs: [envelope.envelopeID], refusal: refusal))
        }
        guard envelope.recipientDID == identity.did else { return try refuse(.wrongRecipient) }
        // A blocked sender's envelope is dropped unseen: not decrypted, no event, and
        // acknowledged like any other, so blocking is not observable.
        if try isBlocked(envelope.senderDID) { return try DirectMessageCodec.encode(Ack(envelopeIDs: [envelope.envelopeID])) }
        var record = try knownRecord(envelope.senderDID)
        if record == nil || record?.curve25519Key != envelope.senderKey {
            record = try? await fetchRecord(envelope.senderDID, from: peer, node: node).record
        }
        guard let record, record.peerIDs.contains(peer) else { return try refuse(.unknownSender) }
        // From here on no suspension: read the state, decrypt, persist, adopt.
        let state = try messagingState()
        var rng = SystemRandomNumberGenerator()
        let decryption: DirectSessionBook.Decryption
        do {
            decryption = try state.book.decrypt(envelope, from: record, account: state.account, ourDID: identity.did, using: &rng)
        } catch .duplicate {
            return try DirectMessageCodec.encode(Ack(envelopeIDs: [envelope.envelopeID]))
        } catch {
            logger.debug("An envelope does not decrypt", metadata: ["error": "\(error)"])
            return try refuse(.decryptFailed)
        }
        messaging?.book = decryption.book
        messaging?.account = decryption.account
        try persistMessaging()
        try apply(decryption.message, from: record)
        return try DirectMessageCodec.encode(Ack(envelopeIDs: [envelope.envelopeID]))
    }

    /// Acts on one decrypted message from a verified sender.
    private func apply(_ message: DirectMessage, from record: IdentityRecord) throws {
        switch message.content {
        case .text(let body, let replyTo, let expiresIn):
            let wasContact = try readyStore().contact(did: record.did) != nil
            if try storeReceived(message, text: body, replyTo: replyTo, expiresIn: expiresIn, from: record) {
                queueDeliveryReceipt(message.id, to: record.did)
                // A new contact (they wrote first) hears our presence, as a contact we added would.
                if !wasContact { Task { await self.tellPresence(to: record.did) } }
            }
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
            // From a stranger it is kept quietly, in case they become a contact.
            let info = PresenceInfo(status: status, lastSeen: lastSeen.map { Int64(clamping: $0) })
            try updatePresence(of: record.did, info, announce: try readyStore().contact(did: record.did) != nil)
        case .timer(let seconds):
            try applyTimer(seconds, in: record.did, by: record.did)
        }
    }

    /// Moves our messages `ids` in the conversation with `did` forward to `status`, with a
    /// `message.status` event for each step: a receipt that overtook the Ack still shows
    /// `sent` before `delivered` (unless `messages.send` is waiting to say `sent` itself).
    func advanceOurMessages(_ ids: [String], in did: String, to status: String) throws {
        guard !ids.isEmpty else { return }
        let identity = try readyIdentity()
        let order = Store.outgoingStatusOrder
        for (id, former) in try readyStore().advanceStatus(of: ids, conversation: did, sender: identity.did, to: status) {
            guard let from = order.firstIndex(of: former), let to = order.firstIndex(of: status) else { continue }
            for step in order[(from + 1)...to] {
                if step == "sent", deliveryWaiters[did]?[id] != nil { continue }
                try emit(.messageStatus(id: id, conversation: did, status: step))
            }
        }
    }

    /// Remembers that the text `id` from `did` arrived; a burst shares one receipt.
    private func queueDeliveryReceipt(_ id: String, to did: String) {
        let first = pendingReceipts[did] == nil
        pendingReceipts[did, default: []].append(id)
        if first { Task { await self.flushDeliveryReceipts(to: did) } }
    }

    private func flushDeliveryReceipts(to did: String) {
        guard var ids = pendingReceipts.removeValue(forKey: did) else { return }
        while !ids.isEmpty {
            let chunk = Array(ids.prefix(MessagingLimits.maxReceiptIDs))
            ids.removeFirst(chunk.count)
            do { try enqueueControl(.deliveryReceipt(ids: chunk), to: did) } catch {
                logger.error("A delivery receipt was not queued", metadata: ["error": "\(error.message)"])
            }
        }
    }

    /// Stores a received text (conversation = sender DID) and emits `message.received`.
    /// It lives `expiresIn` seconds after receipt (at most 30 days, and no longer than our
    /// own timer for the conversation). Returns false when the id was stored already.
    private func storeReceived(
        _ message: DirectMessage, text: String, replyTo: String?, expiresIn: UInt32?, from record: IdentityRecord
    ) throws -> Bool {
        let store = try readyStore()
        let now = clock()
        if try store.contact(did: record.did) == nil {
            try store.upsertContact(StoredContact(did: record.did, username: record.username, addedAt: now))
        }
        let conversation = try ensureConversation(record.did, store: store, now: now)
        var lifetime = Int64(expiresIn ?? MessagingLimits.maxTimerSeconds)
        if conversation.timerSeconds > 0 { lifetime = min(lifetime, conversation.timerSeconds) }
        let stored = StoredMessage(
            id: message.id, conversation: record.did, sender: record.did, text: text,
            sentAt: Int64(clamping: message.sentAtMs), receivedAt: now, status: "received", replyTo: replyTo,
            expiresAt: now + lifetime * 1000)
        guard try store.insertMessage(stored) else { return false }
        _ = try store.setUnread(conversation: record.did, conversation.unread + 1)
        try emit(.messageReceived(Self.message(stored)))
        return true
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

    /// Stores a text for `conversation` (a DID) with its outbox item, then waits while the
    /// conversation's queue is sent in order up to it (or stops short of it at a failure).
    /// - Returns: The message id and its status: `sent` when the peer's node took it,
    ///   `queued` when it waits in the outbox (then `message.status` tells what follows).
    public func sendMessage(conversation: String, text: String, replyTo: String?) async throws(EngineError) -> (id: String, status: String) {
        let identity = try readyIdentity()
        guard conversation.hasPrefix("did:key:"), conversation != identity.did else {
            throw EngineError.invalid(field: "conversation", reason: "must be the DID of a contact")
        }
        let store = try readyStore()
        let now = clock()
        let id = Self.messageIDs.next(unixMillis: now).description
        let item: StoredOutboxItem
        do {
            let timer = try store.conversation(id: conversation)?.timerSeconds ?? 0
            let expiresIn = timer > 0 ? UInt32(clamping: timer) : nil
            let message = DirectMessage(
                id: id, sentAtMs: UInt64(now), content: .text(body: text, replyTo: replyTo, expiresInSeconds: expiresIn))
            let stored = StoredMessage(
                id: id, conversation: conversation, sender: identity.did, text: text, sentAt: now, status: "queued",
                replyTo: replyTo, expiresAt: now + Int64(expiresIn ?? MessagingLimits.maxTimerSeconds) * 1000)
            item = StoredOutboxItem(
                id: id, messageId: id, conversation: conversation, payload: try DirectMessageCodec.encode(message), createdAt: now)
            try ensureConversation(conversation, store: store, now: now)
            try store.insertOutgoing(stored, outbox: item)
        } catch let error as MessagingError {
            throw EngineError.invalid(field: "text", reason: "cannot be encoded (\(error))")
        } catch {
            throw Self.map(error)
        }
        await drainAndWait(for: item)
        let status = (try? store.message(id: id, now: clock()))?.status ?? "queued"
        return (id, status == "queued" ? "queued" : "sent")
    }

    /// Encrypts and sends one message to `did`'s peer, dialing it if needed.
    func deliver(_ message: DirectMessage, to did: String) async throws(EngineError) {
        let identity = try readyIdentity()
        guard let node = await startNode() else { throw EngineError.unreachable("the node is not running") }
        guard let record = try knownRecord(did), let peer = await reachablePeer(of: record, node: node) else {
            throw EngineError.unreachable("No known, reachable peer for \(did).")
        }
        var oneTimeKey: SignedOlmKey?
        if try messagingState().book.sessionCount(with: did) == 0 {
            oneTimeKey = try await fetchRecord(did, from: peer, node: node, wantOneTimeKey: true).oneTimeKey
        }
        // No suspension between reading the book and persisting the new one.
        let state = try messagingState()
        let current = try knownRecord(did) ?? record
        var rng = SystemRandomNumberGenerator()
        let encryption: DirectSessionBook.Encryption
        do {
            encryption = try state.book.encrypt(
                message, to: current, account: state.account, ourDID: identity.did, oneTimeKey: oneTimeKey, using: &rng)
        } catch {
            throw EngineError.crypto("The message cannot be encrypted: \(error)")
        }
        messaging?.book = encryption.book
        try persistMessaging()
        let ack: Ack
        do {
            let bytes = try await node.request(
                peer, protocolID: MessagingProtocol.directMessage, try DirectMessageCodec.encode(encryption.envelope),
                maxResponseBytes: 4096, timeout: .seconds(15))
            ack = try DirectMessageCodec.decodeAck(bytes)
        } catch {
            throw EngineError.unreachable("Sending failed: \(error)")
        }
        guard ack.refusal == nil, ack.envelopeIDs.contains(encryption.envelope.envelopeID) else {
            throw EngineError.unreachable("The peer refused the message (\(String(describing: ack.refusal))).")
        }
    }

    /// A connected peer of the record, or one reached by dialing its stored address.
    func reachablePeer(of record: IdentityRecord, node: Swarm) async -> PeerID? {
        for peer in record.peerIDs where await node.isConnected(to: peer) { return peer }
        guard let text = try? readyStore().value(forKey: MessagingProtocol.addressKey(record.did)),
            let address = try? Multiaddr(String(decoding: text, as: UTF8.self)),
            let peer = try? await node.dial(address), record.peerIDs.contains(peer)
        else { return nil }
        return peer
    }
}
