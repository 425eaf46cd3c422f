import LibP2PCore

/// An iterative Kademlia lookup (libp2p kad-dht, "Peer routing", "Getting values", content
/// routing): FIND_NODE, GET_VALUE or GET_PROVIDERS towards a key, with at most α requests in
/// flight, until the k closest peers seen have all answered.
///
/// ```
///            ┌────────── next(now:) ◄──────────┐
///            ▼                                 │
///   candidate notContacted ──.query──► waiting ─┼─ received(_:from:now:) ─► succeeded
///                                              ├─ failed(_:now:) ────────► failed
///                                              └─ now ≥ sent + timeout ──► failed
///
///   finished when the k closest non-failed candidates have all succeeded,
///   or (GET_VALUE) the quorum of valid records is reached,
///   or (GET_PROVIDERS) enough providers were found,
///   or no candidate is left and nothing is in flight.
/// ```
///
/// The caller loops on ``next(now:)`` sending each ``Next/query(_:_:)`` until it returns
/// ``Next/waiting`` (then it waits for a response or the next timeout) or
/// ``Next/finished``, and reads ``result``. Pure: no clock, no I/O; time comes in.
///
/// Bound: at most ``maxCandidates`` candidates (the farthest uncontacted ones are dropped),
/// ``maxSeen`` distinct peers ever considered (later ones are ignored, so peers that keep
/// inventing "closer" peers cannot grow the lookup), ``KadConfiguration/providerQuorum``
/// providers and ``KadConfiguration/valueQuorum`` records. Time is bounded by the shell,
/// which should also give the whole lookup a deadline (the spec's 10 s `QueryTimeout` for
/// bootstrap runs).
public struct KadLookup: Sendable {
    /// The kind of lookup, which fixes the request sent to each peer.
    public enum Kind: Sendable, Hashable {
        /// FIND_NODE: find the peers closest to the key.
        case findNode
        /// GET_VALUE: find a record.
        case getValue
        /// GET_PROVIDERS: find providers.
        case getProviders

        var messageType: KadMessage.MessageType {
            switch self {
            case .findNode: .findNode
            case .getValue: .getValue
            case .getProviders: .getProviders
            }
        }
    }

    /// What the caller does next.
    public enum Next: Sendable, Hashable {
        /// Send this request to this peer, then call ``next(now:)`` again.
        case query(KadPeer, KadMessage)
        /// Nothing to send: wait for a response, a failure, or the next timeout.
        case waiting
        /// The lookup is over; read ``result``.
        case finished
    }

    /// A peer that answered, with the number of sequential requests it took to reach it
    /// (1 for a peer from the local routing table).
    public struct Found: Sendable, Hashable {
        /// The peer.
        public let peer: KadPeer
        /// Requests on the path to it, itself included.
        public let hops: Int
    }

    /// The outcome.
    public struct Result: Sendable, Hashable {
        /// Up to k peers that answered, closest to the key first.
        public var closest: [Found] = []
        /// GET_VALUE: the best valid record found.
        public var record: KadRecord?
        /// GET_VALUE: the peers that returned the best record.
        public var recordHolders: [PeerID] = []
        /// GET_VALUE: peers that returned a worse record; send them PUT_VALUE with the best.
        public var outdatedPeers: [PeerID] = []
        /// GET_PROVIDERS: the providers found.
        public var providers: [KadPeer] = []
    }

    private enum State: Sendable, Hashable {
        case notContacted
        case waiting(since: KadTimestamp)
        case succeeded
        case failed
    }

    private struct Candidate: Sendable {
        var peer: KadPeer
        let distance: KadDistance
        var state: State
        let hops: Int
    }

    /// The kind of lookup.
    public let kind: Kind
    /// The key looked up.
    public let key: [UInt8]
    /// Its point in the key space.
    public let target: KadKey
    /// The most candidates kept.
    public let maxCandidates: Int
    /// The most distinct peers considered over the whole lookup.
    public let maxSeen: Int
    private let localPeer: PeerID
    private let configuration: KadConfiguration
    private let validator: any RecordValidator
    private var candidates: [Candidate] = []
    private var seen: Set<PeerID> = []
    private var inFlight = 0
    private var recordCount = 0
    private var bestValue: [UInt8]?
    private var providerIDs: Set<PeerID> = []
    /// Requests sent so far.
    public private(set) var requestsSent = 0
    /// Whether the lookup is over.
    public private(set) var isFinished = false
    /// The result so far (final once ``isFinished``).
    public private(set) var result = Result()

    /// A lookup seeded with peers from the local routing table.
    ///
    /// - Parameters:
    ///   - kind: FIND_NODE, GET_VALUE or GET_PROVIDERS.
    ///   - key: The key (a binary peer ID for FIND_NODE of a peer).
    ///   - seeds: Known peers, typically the k closest of the routing table.
    ///   - localPeer: The local node, never queried.
    ///   - validator: Checks records of GET_VALUE responses.
    ///   - configuration: k, α, timeout, quorums.
    public init(
        kind: Kind, key: [UInt8], seeds: [KadPeer], localPeer: PeerID,
        validator: any RecordValidator = FirstWriteWinsValidator(), configuration: KadConfiguration = KadConfiguration()
    ) {
        self.kind = kind
        self.key = key
        target = KadKey(hashing: key)
        self.localPeer = localPeer
        self.validator = validator
        self.configuration = configuration
        maxCandidates = max(configuration.k * 8, configuration.k + configuration.maxPeersPerMessage)
        maxSeen = maxCandidates * 32
        seen.insert(localPeer)
        for seed in seeds { add(seed, hops: 1) }
    }

    /// The request each peer is sent.
    public var request: KadMessage {
        KadMessage(type: kind.messageType, key: key)
    }

    /// Advances the lookup: expires timed-out requests, then says what to do.
    ///
    /// - Parameter now: The current time.
    /// - Returns: The next step.
    public mutating func next(now: KadTimestamp) -> Next {
        if isFinished { return .finished }
        for index in candidates.indices {
            if case .waiting(let since) = candidates[index].state, now - since >= configuration.requestTimeout {
                candidates[index].state = .failed
                inFlight -= 1
            }
        }
        var considered = 0
        var allSucceeded = true
        for index in candidates.indices where considered < configuration.k {
            switch candidates[index].state {
            case .failed:
                continue
            case .succeeded:
                considered += 1
            case .waiting:
                considered += 1
                allSucceeded = false
            case .notContacted:
                guard inFlight < configuration.alpha else { return .waiting }
                candidates[index].state = .waiting(since: now)
                inFlight += 1
                requestsSent += 1
                return .query(candidates[index].peer, request)
            }
        }
        if allSucceeded {
            finish()
            return .finished
        }
        return .waiting
    }

    /// Feeds the response of `peer`. Responses from peers that were not asked, or that do not
    /// answer the request type, count as failures of that peer.
    ///
    /// - Parameters:
    ///   - response: The verified response.
    ///   - peer: Who answered.
    ///   - now: The current time.
    public mutating func received(_ response: KadMessage, from peer: PeerID, now: KadTimestamp) {
        guard !isFinished, let index = candidates.firstIndex(where: { $0.peer.id == peer }) else { return }
        guard response.type == kind.messageType else {
            failed(peer, now: now)
            return
        }
        switch candidates[index].state {
        case .waiting: inFlight -= 1
        case .failed: break  // a late answer after its timeout still counts
        case .notContacted, .succeeded: return
        }
        candidates[index].state = .succeeded
        let hops = candidates[index].hops
        for closer in response.closerPeers { add(closer, hops: hops + 1) }
        switch kind {
        case .findNode:
            break
        case .getValue:
            if let record = response.record { consider(record, from: peer) }
        case .getProviders:
            for provider in response.providerPeers where result.providers.count < configuration.providerQuorum {
                if providerIDs.insert(provider.id).inserted { result.providers.append(provider) }
            }
            if result.providers.count >= configuration.providerQuorum { finish() }
        }
    }

    /// Reports that the request to `peer` failed (stream error, dial failure, bad response).
    ///
    /// - Parameters:
    ///   - peer: The peer.
    ///   - now: The current time.
    public mutating func failed(_ peer: PeerID, now: KadTimestamp) {
        guard !isFinished, let index = candidates.firstIndex(where: { $0.peer.id == peer }) else { return }
        if case .waiting = candidates[index].state {
            inFlight -= 1
            candidates[index].state = .failed
        }
    }

    /// When the earliest request in flight times out: call ``next(now:)`` then at the latest.
    /// Nil when nothing is in flight.
    public var nextTimeout: KadTimestamp? {
        candidates.compactMap { candidate -> KadTimestamp? in
            if case .waiting(let since) = candidate.state { since + configuration.requestTimeout } else { nil }
        }.min()
    }

    /// Peers with a request in flight (the shell may cancel them when the lookup finishes).
    public var pending: [PeerID] {
        candidates.compactMap { if case .waiting = $0.state { $0.peer.id } else { nil } }
    }

    private mutating func consider(_ record: KadRecord, from peer: PeerID) {
        guard record.key == key, (try? validator.validate(key: record.key, value: record.value)) != nil else { return }
        recordCount += 1
        if let best = bestValue {
            if best == record.value {
                result.recordHolders.append(peer)
            } else if validator.select(key: key, values: [best, record.value]) == 1 {
                result.outdatedPeers += result.recordHolders
                result.recordHolders = [peer]
                bestValue = record.value
                result.record = record
            } else {
                result.outdatedPeers.append(peer)
            }
        } else {
            bestValue = record.value
            result.record = record
            result.recordHolders = [peer]
        }
        if recordCount >= configuration.valueQuorum { finish() }
    }

    private mutating func add(_ peer: KadPeer, hops: Int) {
        guard seen.count < maxSeen, seen.insert(peer.id).inserted else { return }
        let distance = KadKey(peer: peer.id).distance(to: target)
        let candidate = Candidate(peer: peer, distance: distance, state: .notContacted, hops: hops)
        var low = 0
        var high = candidates.count
        while low < high {
            let middle = (low + high) / 2
            if candidates[middle].distance < distance { low = middle + 1 } else { high = middle }
        }
        candidates.insert(candidate, at: low)
        if candidates.count > maxCandidates,
            let drop = candidates.lastIndex(where: { $0.state == .notContacted || $0.state == .failed })
        {
            candidates.remove(at: drop)
        }
    }

    private mutating func finish() {
        isFinished = true
        result.closest = candidates.filter { $0.state == .succeeded }.prefix(configuration.k).map {
            Found(peer: $0.peer, hops: $0.hops)
        }
    }
}
