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
        // A blocked sender is refused as unknown, without decrypting (and without an event).
        if try isBlocked(envelope.senderDID) { return try refuse(.unknownSender) }
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
        if case .text(let body, let replyTo) = decryption.message.content {
            try storeReceived(decryption.message, text: body, replyTo: replyTo, from: record)
        } else if case .readReceipt(let upTo, _) = decryption.message.content {
            try applyReadReceipt(upTo: upTo, from: record.did)
        }
        return try DirectMessageCodec.encode(Ack(envelopeIDs: [envelope.envelopeID]))
    }

    /// Stores a received text (conversation = sender DID) and emits `message.received`,
    /// unless the id is already stored.
    private func storeReceived(_ message: DirectMessage, text: String, replyTo: String?, from record: IdentityRecord) throws {
        let store = try readyStore()
        let now = clock()
        if try store.contact(did: record.did) == nil {
            try store.upsertContact(StoredContact(did: record.did, username: record.username, addedAt: now))
        }
        try ensureConversation(record.did, store: store, now: now)
        let stored = StoredMessage(
            id: message.id, conversation: record.did, sender: record.did, text: text,
            sentAt: Int64(clamping: message.sentAtMs), receivedAt: now, status: "received", replyTo: replyTo)
        guard try store.insertMessage(stored) else { return }
        if let conversation = try store.conversation(id: record.did) {
            _ = try store.setUnread(conversation: record.did, conversation.unread + 1)
        }
        try emit(.messageReceived(Self.message(stored)))
    }

    func ensureConversation(_ did: String, store: Store, now: Int64) throws {
        var conversation = try store.conversation(id: did) ?? StoredConversation(id: did, kind: .direct, createdAt: now)
        conversation.lastActivityAt = now
        try store.upsertConversation(conversation)
    }

    /// Message ids: ULIDs that strictly increase within this process.
    static let messageIDs = ULIDGenerator()

    static func message(_ stored: StoredMessage) -> Message {
        Message(
            id: stored.id, conversation: stored.conversation, from: stored.sender, text: stored.text, sentAt: stored.sentAt,
            receivedAt: stored.receivedAt, status: stored.status, replyTo: stored.replyTo, expiresAt: stored.expiresAt)
    }

    /// Stores a text for `conversation` (a DID) as queued, then tries to deliver it.
    /// - Returns: The message id and its status (`delivered`, or `queued` when the peer
    ///   cannot be reached now; the message is kept).
    public func sendMessage(conversation: String, text: String, replyTo: String?) async throws(EngineError) -> (id: String, status: String) {
        let identity = try readyIdentity()
        guard conversation.hasPrefix("did:key:"), conversation != identity.did else {
            throw EngineError.invalid(field: "conversation", reason: "must be the DID of a contact")
        }
        let store = try readyStore()
        let now = clock()
        let id = Self.messageIDs.next(unixMillis: now).description
        let stored = StoredMessage(
            id: id, conversation: conversation, sender: identity.did, text: text, sentAt: now, status: "queued", replyTo: replyTo)
        let message = DirectMessage(id: id, sentAtMs: UInt64(now), content: .text(body: text, replyTo: replyTo))
        let item: StoredOutboxItem
        do {
            item = StoredOutboxItem(
                id: id, messageId: id, conversation: conversation, payload: try DirectMessageCodec.encode(message), createdAt: now)
            try ensureConversation(conversation, store: store, now: now)
            try store.insertOutgoing(stored, outbox: item)
        } catch let error as MessagingError {
            throw EngineError.invalid(field: "text", reason: "cannot be encoded (\(error))")
        } catch {
            throw Self.map(error)
        }
        return (id, await attemptDelivery(of: item) ? "delivered" : "queued")
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
