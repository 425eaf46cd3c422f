import LibP2PCore
import VarianceMessaging
import VarianceStorage

/// What a contact last told us of their presence.
public struct PresenceInfo: Sendable, Equatable {
    public var status: PresenceStatus
    /// Unix milliseconds, when known.
    public var lastSeen: Int64?

    public init(status: PresenceStatus, lastSeen: Int64?) {
        self.status = status
        self.lastSeen = lastSeen
    }
}

/// The ephemeral signals: typing, presence, and the disappearing timer of a conversation.
///
/// Typing and presence are sent only to contacts whose peer is connected now and are never
/// queued: a stale "typing…" is worse than none. Presence is told to a contact when its
/// peer connects and whenever ours changes; when its last peer disconnects it reads as
/// `offline` with the time we last saw it. `offline` set on ourselves is "invisible": that
/// is what contacts are told, and all they learn.
extension Engine {
    static let ownPresenceKey = "presence/self"

    /// Tells the contact `conversation` that we started or stopped typing (best effort).
    public func setTyping(conversation person: String, active: Bool) async throws(EngineError) {
        let conversation = try personDID(person)
        if Self.isGroupID(conversation) {
            try await sendGroupTyping(conversation, active: active)
            return
        }
        let peer = try await contactPeerForSignal(conversation)
        guard peer != nil else { return }
        let now = clock()
        let message = DirectMessage(
            id: Self.messageIDs.next(unixMillis: now).description, sentAtMs: UInt64(now), content: .typing(active: active))
        do { try await deliver(message, to: conversation) } catch {
            logger.debug("A typing signal was not sent", metadata: ["reason": "\(error.message)"])
        }
    }

    /// Sets our presence, remembers it and tells every connected contact.
    public func setPresence(_ status: PresenceStatus) async throws(EngineError) {
        let store = try readyStore()
        do { try store.setValue([UInt8(status.rawValue)], forKey: Self.ownPresenceKey) } catch { throw Self.map(error) }
        let contacts: [StoredContact]
        do { contacts = try store.contacts() } catch { throw Self.map(error) }
        for contact in contacts where !contact.blocked { await tellPresence(to: contact.did) }
    }

    /// `did`'s presence: ours when it is our DID, else what the contact last told us.
    public func presence(of person: String) throws(EngineError) -> PresenceInfo {
        let did = try personDID(person)
        let identity = try readyIdentity()
        if did == identity.did { return PresenceInfo(status: try ownPresence(), lastSeen: nil) }
        let contact: StoredContact?
        do { contact = try readyStore().contact(did: did) } catch { throw Self.map(error) }
        guard contact != nil else { throw EngineError.notFound("No contact \(did).") }
        return presenceByDID[did] ?? PresenceInfo(status: .unspecified, lastSeen: nil)
    }

    /// Our presence as set (online until set otherwise).
    func ownPresence() throws(EngineError) -> PresenceStatus {
        let stored: [UInt8]?
        do { stored = try readyStore().value(forKey: Self.ownPresenceKey) } catch { throw Self.map(error) }
        return stored.flatMap { $0.first }.flatMap { PresenceStatus(rawValue: Int($0)) } ?? .online
    }

    /// Records a presence and, when `announce` and it changed, emits `presence`.
    func updatePresence(of did: String, _ info: PresenceInfo, announce: Bool = true) throws {
        guard presenceByDID[did] != info else { return }
        if presenceByDID.count >= Self.maxPresenceEntries, presenceByDID[did] == nil { presenceByDID.removeAll() }
        presenceByDID[did] = info
        if announce { try emit(.presence(did: did, info)) }
    }

    /// At most this many presences are remembered (they are cheap to learn again).
    static let maxPresenceEntries = 10_000

    /// Sends our presence to `did` when one of its peers is connected (best effort).
    func tellPresence(to did: String) async {
        guard let status = try? ownPresence(), (try? await contactPeerForSignal(did)) ?? nil != nil else { return }
        let now = clock()
        let message = DirectMessage(
            id: Self.messageIDs.next(unixMillis: now).description, sentAtMs: UInt64(now),
            content: .presence(status, lastSeenMs: nil))
        do { try await deliver(message, to: did) } catch {
            logger.debug("Presence was not sent", metadata: ["reason": "\(error.message)"])
        }
    }

    /// A peer connected: every unblocked contact it belongs to hears our presence.
    func peerCameOnline(_ peer: PeerID) async {
        for did in contactDIDs(of: peer) { await tellPresence(to: did) }  // (blocked ones are skipped there)
    }

    /// A peer disconnected: contacts with no other connected peer read as offline.
    func peerWentOffline(_ peer: PeerID) async {
        guard let node = swarm else { return }
        for did in contactDIDs(of: peer) {
            guard let record = try? knownRecord(did) else { continue }
            var connected = false
            for other in record.peerIDs where await node.isConnected(to: other) { connected = true }
            guard !connected, let current = presenceByDID[did], current.status != .offline else { continue }
            try? updatePresence(of: did, PresenceInfo(status: .offline, lastSeen: clock()))
        }
    }

    /// The contacts whose verified record names `peer`.
    private func contactDIDs(of peer: PeerID) -> [String] {
        guard identity != nil, let contacts = try? readyStore().contacts() else { return [] }
        return contacts.compactMap { contact in
            guard let record = try? knownRecord(contact.did), record.peerIDs.contains(peer) else { return nil }
            return contact.did
        }
    }

    /// A connected peer of the unblocked contact `did`, or nil when none is connected.
    /// - Throws: `notFound` when `did` is not a contact.
    private func contactPeerForSignal(_ did: String) async throws(EngineError) -> PeerID? {
        _ = try readyIdentity()
        let contact: StoredContact?
        do { contact = try readyStore().contact(did: did) } catch { throw Self.map(error) }
        guard let contact else { throw EngineError.notFound("No contact \(did).") }
        guard !contact.blocked, let node = swarm, let record = try knownRecord(did) else { return nil }
        for peer in record.peerIDs where await node.isConnected(to: peer) { return peer }
        return nil
    }

    // MARK: Disappearing timer

    /// Sets the disappearing timer of the conversation with `conversation` (a contact's DID):
    /// messages sent after it live `seconds` (nil: the 30-day default) on both sides. The
    /// peer is told through the outbox, in order with the messages around it.
    public func setTimer(conversation person: String, seconds: UInt32?) throws(EngineError) {
        let conversation = try personDID(person)
        flushSends()  // sends taken in before the change keep the old timer
        let identity = try readyIdentity()
        guard conversation.hasPrefix("did:key:"), conversation != identity.did else {
            throw EngineError.invalid(field: "conversation", reason: "must be the DID of a contact")
        }
        if let seconds, seconds == 0 || seconds > MessagingLimits.maxTimerSeconds {
            throw EngineError.invalid(field: "seconds", reason: "must be 1...\(MessagingLimits.maxTimerSeconds)")
        }
        let store = try readyStore()
        do {
            guard try store.contact(did: conversation) != nil || store.conversation(id: conversation) != nil else {
                throw EngineError.notFound("No contact or conversation \(conversation).")
            }
            try ensureConversation(conversation, store: store, now: clock())
            try store.setTimer(conversation: conversation, seconds: Int64(seconds ?? 0))
        } catch {
            throw Self.map(error)
        }
        try enqueueControl(.timer(seconds: seconds), to: conversation)
    }

    /// Applies a timer change from the peer `by`, with a `conversation.changed` event.
    func applyTimer(_ seconds: UInt32?, in conversation: String, by did: String) throws {
        let store = try readyStore()
        try ensureConversation(conversation, store: store, now: clock())
        try store.setTimer(conversation: conversation, seconds: Int64(seconds ?? 0))
        try emit(.conversationChanged(conversation: conversation, timerSeconds: seconds, by: did))
    }
}
