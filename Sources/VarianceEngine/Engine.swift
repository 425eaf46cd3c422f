#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LibP2P
import LibP2PCore
import Logging
import Synchronization
import VarianceMedia
import VarianceIdentity
import VarianceMessaging
import VarianceStorage

/// The engine: one facade over identity, storage (and, as they land, the network,
/// messaging and calls). Typed async methods and one bounded stream of events; it knows
/// nothing of JSON or RPC.
///
/// Start-up does as little as it can: it reads the identity file, and when that needs no
/// passphrase, the identity is ready at once. The database opens on first use, so the
/// first reply is not kept waiting and an idle engine does not pay for it.
public actor Engine {
    public nonisolated let configuration: EngineConfiguration
    /// The identity state and DID, readable without a hop onto the actor.
    private nonisolated let stateSnapshot: Mutex<(state: IdentityState, did: String?)>
    private let identityFile: IdentityFile
    let logger: Logger
    let clock: @Sendable () -> Int64
    private let encodeEvent: EventEncoder
    var identity: Identity?
    private var store: Store?
    /// The libp2p node, once started (after the identity is ready).
    var swarm: Swarm?
    var nodeEventsTask: Task<Void, Never>?
    var nodeStart: Task<Swarm, Never>?
    private var sweepTask: Task<Void, Never>?
    /// The Kademlia DHT (usernames), once the node runs.
    var dht: Kademlia?
    /// Renews our username claim while the engine runs.
    var usernameRenewal: Task<Void, Never>?
    /// Whether our identity record went into the DHT since start (it goes once the routing
    /// table first holds a peer, then with every renewal).
    var recordPublished = false
    /// Username claims resolved lately, with when (Unix milliseconds).
    var usernameCache: [String: (claim: UsernameClaim, fetchedAt: Int64)] = [:]
    /// The Olm account, session book and known records, loaded on first use.
    var messaging: MessagingState?
    /// `messages.send` calls taken in and not stored yet.
    nonisolated let sendIntake = SendIntake()
    /// Conversations whose outbox queue is being sent now, and those asked to look again.
    var draining: Set<String> = []
    var drainAgain: Set<String> = []
    /// People a delivery is running to now, and the deliveries waiting for each.
    var sendingTo: Set<String> = []
    var sendWaiters: [String: [CheckedContinuation<Void, Never>]] = [:]
    /// The outbox retry timer and the time it is armed for.
    var outboxTimer: Task<Void, Never>?
    var outboxTimerDue: Int64?
    /// Delivery receipts waiting to be queued, by sender DID (a burst shares one receipt).
    var pendingReceipts: [String: [String]] = [:]
    /// What contacts last told us of their presence, by DID.
    var presenceByDID: [String: PresenceInfo] = [:]
    /// One task per configured relay keeping our reservation there, and how to wake each
    /// (the relay disconnected: reserve again at once, or move on).
    var relayKeepers: [Task<Void, Never>] = []
    var relayWakers: [PeerID: AsyncStream<Void>.Continuation] = [:]
    /// AutoNAT: asks our relays whether we can be reached directly.
    var autonat: AutoNATService?
    /// People we left messages with a relay for: later messages follow the same way until
    /// they show they have read their mailbox (a receipt or a text from them), or for at
    /// most ``Engine/relayStickiness``, so that nothing overtakes what waits at the relay.
    /// Values: when we last left something (engine clock, ms).
    var leftWithRelay: [String: Int64] = [:]
    /// Done once our mailboxes at the relays were read after start; direct envelopes wait
    /// for it (bounded), so that older messages kept at a relay are decrypted first.
    var initialFetch: Task<Void, Never>?
    /// Set once ``initialFetch`` is over (so that direct envelopes skip the wait at once).
    var initialFetchDone = false
    /// mDNS discovery on the local network, when it runs.
    var mdns: MDNSDiscovery?
    /// DCUtR: upgrades relayed connections to direct ones where the NATs allow.
    var holePunch: HolePunchService?
    /// Calls: the line (one call at a time), every call known (ended ones too, bounded), the
    /// ticker checking timeouts while one lives, and the clock the call machines read.
    var callLine = CallLine()
    var calls: [String: CallSession] = [:]
    var callTicker: Task<Void, Never>?
    let callEpoch = ContinuousClock.now
    /// GossipSub (group topics), once the node runs.
    var pubsub: PubSub?
    /// The groups we are or were in, loaded from storage on first use.
    var groupRuntimes: [String: GroupRuntime] = [:]
    var groupsLoaded = false
    /// When each group last asked a member for what it missed (engine clock, ms).
    var lastGroupSync: [String: Int64] = [:]
    private let eventContinuation: AsyncStream<EventRecord>.Continuation

    /// Events as they are persisted. Bounded: if nobody reads, the oldest pushed copies
    /// are dropped (they stay in the database for `events.replay`).
    public nonisolated let events: AsyncStream<EventRecord>

    /// The most events buffered for push before the oldest are dropped.
    public static let eventBufferLimit = 10_000

    /// Opens the data directory and reads the identity file.
    /// - Parameter clock: Unix milliseconds; injectable for tests.
    public init(
        configuration: EngineConfiguration, logger: Logger, encodeEvent: @escaping EventEncoder,
        clock: @escaping @Sendable () -> Int64 = Engine.wallClockMillis
    ) throws(EngineError) {
        self.configuration = configuration
        self.logger = logger
        self.clock = clock
        self.encodeEvent = encodeEvent
        (events, eventContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(Self.eventBufferLimit))
        do { try FileIO.makeDirectory(configuration.dataDirectory) } catch {
            throw EngineError.invalidConfiguration("cannot create the data directory \(configuration.dataDirectory)")
        }
        identityFile = IdentityFile(directory: configuration.dataDirectory)
        var state = IdentityState.none
        var loaded: Identity?
        if identityFile.exists {
            do {
                if try identityFile.isEncrypted() {
                    state = .locked
                } else {
                    loaded = try identityFile.load(passphrase: nil)
                    state = .ready
                }
            } catch {
                throw EngineError.invalidConfiguration("the identity file cannot be read (\(error))")
            }
        }
        identity = loaded
        stateSnapshot = Mutex((state: state, did: loaded?.did))
        callLine = CallLine(timeouts: .init(ringing: .seconds(configuration.callRingSeconds)))
    }

    /// The identity state, without waiting for the actor.
    public nonisolated var identityState: IdentityState { stateSnapshot.withLock { $0.state } }

    /// The DID when the identity is ready, without waiting for the actor.
    public nonisolated var readyDID: String? { stateSnapshot.withLock { $0.state == .ready ? $0.did : nil } }

    /// Starts the libp2p node if the identity is ready. The database opens on first use
    /// (it costs ~9 M instructions and ~5 MiB that an idle engine need not pay).
    public func prepare() async {
        guard identity != nil else { return }
        await startNode()
    }

    /// Closes the database and stops background work.
    public func close() async {
        flushSends()
        await closeCalls()
        usernameRenewal?.cancel()
        stopRelayKeepers()
        await mdns?.stop()
        for id in groupRuntimes.keys { groupRuntimes[id]?.subscription?.cancel(); groupRuntimes[id]?.commitTimer?.cancel() }
        await pubsub?.stop()
        await saveDHT()
        await dht?.shutdown()
        nodeEventsTask?.cancel()
        outboxTimer?.cancel()
        outboxTimer = nil
        if let node = await nodeStart?.value { await node.close() }
        swarm = nil
        sweepTask?.cancel()
        sweepTask = nil
        do { try store?.close() } catch { logger.error("Closing the database failed", metadata: ["error": "\(error)"]) }
        store = nil
        eventContinuation.finish()
    }

    // MARK: Identity

    public func createIdentity(username: String?, passphrase: String?) throws(EngineError) -> CreatedIdentity {
        try requireNoIdentity()
        let (created, mnemonic) = Identity.create(username: username, now: clock() / 1000)
        try persist(created, passphrase: passphrase)
        return CreatedIdentity(did: created.did, peerID: created.peerID.description, username: username, mnemonic: mnemonic)
    }

    public func recoverIdentity(mnemonic: [String], passphrase: String?, username: String?) throws(EngineError) -> IdentitySummary {
        try requireNoIdentity()
        let recovered: Identity
        do { recovered = try Identity.recover(mnemonic: mnemonic, username: username, now: clock() / 1000) } catch {
            throw Self.map(error)
        }
        try persist(recovered, passphrase: passphrase)
        return summary(of: recovered)
    }

    public func unlock(passphrase: String) throws(EngineError) -> IdentitySummary {
        switch identityState {
        case .none: throw EngineError.noIdentity
        case .ready: return summary(of: identity!)
        case .locked: break
        }
        let unlocked: Identity
        do { unlocked = try identityFile.load(passphrase: passphrase) } catch { throw Self.map(error) }
        try becomeReady(unlocked)
        return summary(of: unlocked)
    }

    public func showIdentity() throws(EngineError) -> IdentitySummary {
        summary(of: try readyIdentity())
    }

    private func requireNoIdentity() throws(EngineError) {
        guard identityState == .none else {
            throw EngineError.conflict(
                "An identity already exists in \(configuration.dataDirectory); use another data directory for another identity.")
        }
    }

    func readyIdentity() throws(EngineError) -> Identity {
        switch identityState {
        case .none: throw EngineError.noIdentity
        case .locked: throw EngineError.locked
        case .ready: return identity!
        }
    }

    private func persist(_ new: Identity, passphrase: String?) throws(EngineError) {
        do { try identityFile.save(new, passphrase: passphrase) } catch { throw Self.map(error) }
        try becomeReady(new)
    }

    private func becomeReady(_ ready: Identity) throws(EngineError) {
        identity = ready
        stateSnapshot.withLock { $0 = (state: .ready, did: ready.did) }
        _ = try openStore()
        logger.info("Identity ready", metadata: ["did": "\(ready.did)"])
        try emit(.identityChanged(did: ready.did, state: .ready))
        Task { await self.startNode() }
    }

    private func summary(of identity: Identity) -> IdentitySummary {
        IdentitySummary(
            did: identity.did, peerID: identity.peerID.description, username: identity.username,
            fingerprint: identity.fingerprint, createdAt: identity.createdAt * 1000)
    }

    static func map(_ error: IdentityError) -> EngineError {
        switch error {
        case .badChecksum: .crypto("The recovery phrase's checksum does not match; check the words and their order.")
        case .invalidMnemonic(let reason): .invalid(field: "mnemonic", reason: reason)
        case .wrongPassphrase: .crypto("The passphrase is wrong; nothing was changed. Try again.")
        case .locked: .locked
        case .corrupt(let reason): .storage("the identity file is damaged (\(reason))")
        case .io(let reason): reason.contains("No space") ? .diskFull : .storage("the identity file cannot be written (\(reason))")
        }
    }

    // MARK: Storage and events

    private func openStore() throws(EngineError) -> Store {
        if let store { return store }
        guard let identity else { throw EngineError.noIdentity }
        let opened: Store
        do {
            opened = try Store(path: configuration.dataDirectory + "/variance.sqlite", fieldKey: identity.storageKey)
        } catch {
            throw Self.map(error)
        }
        store = opened
        startSweeps()
        return opened
    }

    func readyStore() throws(EngineError) -> Store {
        _ = try readyIdentity()
        return try openStore()
    }

    /// Persists an event, then pushes it. Ephemeral events (typing, presence) are only
    /// pushed, with seq 0: replaying a stale "typing…" helps nobody.
    func emit(_ event: EngineEvent) throws(EngineError) {
        let (method, params) = encodeEvent(event)
        if event.isEphemeral {
            eventContinuation.yield(EventRecord(seq: 0, method: method, params: params))
            return
        }
        let store = try readyStore()
        let seq: Int64
        do { seq = try store.appendEvent(method: method, params: params) } catch { throw Self.map(error) }
        eventContinuation.yield(EventRecord(seq: seq, method: method, params: params))
    }

    /// Encodes an event for a store method that persists it inside its own transaction.
    nonisolated func encoded(_ event: EngineEvent) -> (method: String, params: [UInt8]) { encodeEvent(event) }

    /// Pushes events already persisted (with their seqs).
    func push(_ records: [EventRecord]) {
        for record in records { eventContinuation.yield(record) }
    }

    /// Persists several events in one transaction, then pushes them in order.
    func emitAll(_ events: [EngineEvent]) throws(EngineError) {
        guard !events.isEmpty else { return }
        let encoded = events.map { event in (event, encodeEvent(event)) }
        let durable = encoded.filter { !$0.0.isEphemeral }.map { (method: $0.1.method, params: $0.1.params) }
        var seqs: [Int64] = []
        if !durable.isEmpty {
            do { seqs = try readyStore().appendEvents(durable) } catch { throw Self.map(error) }
        }
        var next = seqs.makeIterator()
        for (event, (method, params)) in encoded {
            let seq = event.isEphemeral ? 0 : (next.next() ?? 0)
            eventContinuation.yield(EventRecord(seq: seq, method: method, params: params))
        }
    }

    public func replayEvents(after: Int64, limit: Int) throws(EngineError) -> EventPage {
        let store = try readyStore()
        do {
            let stored = try store.events(after: after, limit: limit)
            return EventPage(
                events: stored.map { EventRecord(seq: $0.seq, method: $0.method, params: $0.params) },
                last: try store.lastEventSeq())
        } catch {
            throw Self.map(error)
        }
    }

    public func listMessages(conversation person: String, before: String?, limit: Int) throws(EngineError) -> MessagePageResult {
        let conversation = try personDID(person)
        flushSends()
        let store = try readyStore()
        let page: MessagePage
        do { page = try store.messages(conversation: conversation, before: before, limit: limit, now: clock()) } catch {
            throw Self.map(error)
        }
        return MessagePageResult(
            messages: page.messages.map {
                Message(
                    id: $0.id, conversation: $0.conversation, from: $0.sender, text: $0.text, sentAt: $0.sentAt,
                    receivedAt: $0.receivedAt, status: $0.status, replyTo: $0.replyTo, expiresAt: $0.expiresAt)
            },
            before: page.before)
    }

    static func map(_ error: any Error) -> EngineError {
        if let error = error as? EngineError { return error }
        if let error = error as? StorageError {
            switch error {
            case .diskFull: return .diskFull
            case .invalidCursor: return .invalid(field: "before", reason: "is not a cursor this engine returned")
            default: return .storage("\(error)")
            }
        }
        return .storage("\(error)")
    }

    /// The hourly sweep: expired messages go, old events beyond the retention go.
    private func startSweeps() {
        guard sweepTask == nil else { return }
        sweepTask = Task { [weak self] in
            while !Task.isCancelled {
                await self?.sweep()
                try? await Task.sleep(for: .seconds(3600))
            }
        }
    }

    /// Deletes expired messages and events past retention. Also runs once at open.
    public func sweep() {
        guard let store else { return }
        let now = clock()
        do {
            let messages = try store.deleteExpired(now: now)
            let events = try store.pruneEvents(
                now: now, keepDays: configuration.eventRetentionDays, keepAtLeast: configuration.eventRetentionCount)
            if messages + events > 0 {
                logger.debug("Sweep removed expired data", metadata: ["messages": "\(messages)", "events": "\(events)"])
            }
        } catch {
            logger.error("Sweep failed", metadata: ["error": "\(Self.map(error).message)"])
        }
    }

    /// The wall clock in Unix milliseconds.
    public static let wallClockMillis: @Sendable () -> Int64 = {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}
