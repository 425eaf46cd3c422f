import LibP2PCore

/// The Kademlia routing table: 256 k-buckets indexed by the length of the prefix a peer's key
/// shares with the local key (libp2p kad-dht, "Kademlia routing table").
///
/// Liveness is a decision returned to the caller, not an action taken here:
///
/// ```
///   insert(peer) ──► bucket has room ───────────────► .inserted
///        │      └──► peer already in bucket ────────► .updated (moved to most recent)
///        └─────────► bucket full, no check pending ─► .checkLiveness(check)
///                        │                              caller pings check.leastRecentlySeen
///                        ▼
///          livenessResult(alive: true)  → pinged peer becomes most recent, candidate dropped
///          livenessResult(alive: false) → pinged peer removed, candidate inserted
/// ```
///
/// While a bucket has a check pending, further candidates for it are refused
/// (``Rejection/bucketFull``), so at most 256 checks are ever outstanding.
///
/// Only DHT servers belong here: the caller inserts a peer once it knows the peer serves
/// `/ipfs/kad/1.0.0` (identify, or a successful response), never a client.
/// Bound: 256 × k entries and ``KadConfiguration/maxAddressesPerPeer`` addresses each.
public struct KadRoutingTable: Sendable {
    /// A peer in the table.
    public struct Entry: Sendable, Hashable {
        /// The peer and its addresses.
        public var peer: KadPeer
        /// The peer's point in the key space.
        public let key: KadKey
        /// When the peer was last seen alive.
        public var lastSeen: KadTimestamp
    }

    /// A liveness check the caller must run: ping ``leastRecentlySeen`` and report with
    /// ``KadRoutingTable/livenessResult(of:alive:now:)``.
    public struct LivenessCheck: Sendable, Hashable {
        /// The peer to ping: the least recently seen of the full bucket.
        public let leastRecentlySeen: PeerID
        /// The peer that takes its place if the ping fails.
        public let candidate: KadPeer

        /// A check.
        public init(leastRecentlySeen: PeerID, candidate: KadPeer) {
            self.leastRecentlySeen = leastRecentlySeen
            self.candidate = candidate
        }
    }

    /// Why a peer was not inserted.
    public enum Rejection: Sendable, Hashable {
        /// The peer is the local node.
        case localPeer
        /// The bucket is full and already has a liveness check pending.
        case bucketFull
    }

    /// What ``insert(_:now:)`` did.
    public enum InsertOutcome: Sendable, Hashable {
        /// The peer was added.
        case inserted
        /// The peer was known; its addresses and last-seen time were refreshed.
        case updated
        /// The bucket is full: run this check.
        case checkLiveness(LivenessCheck)
        /// Nothing changed.
        case rejected(Rejection)
    }

    /// The local peer.
    public let localPeer: PeerID
    /// The local peer's key.
    public let localKey: KadKey
    /// The bucket size.
    public let k: Int
    /// The most addresses kept per peer.
    public let maxAddressesPerPeer: Int
    private var buckets: [KadBucket]
    /// The number of peers in the table.
    public private(set) var count = 0

    /// An empty table.
    ///
    /// - Parameters:
    ///   - localPeer: The local node.
    ///   - k: The bucket size (positive).
    ///   - maxAddressesPerPeer: The most addresses kept per peer.
    public init(localPeer: PeerID, k: Int = 20, maxAddressesPerPeer: Int = 16) {
        precondition(k > 0, "k must be positive")
        self.localPeer = localPeer
        localKey = KadKey(peer: localPeer)
        self.k = k
        self.maxAddressesPerPeer = maxAddressesPerPeer
        buckets = Array(repeating: KadBucket(), count: KadConfiguration.bucketCount)
    }

    /// The bucket index of a key: its common prefix length with the local key (nil for the local key).
    public func bucketIndex(of key: KadKey) -> Int? {
        let length = localKey.commonPrefixLength(with: key)
        return length < KadConfiguration.bucketCount ? length : nil
    }

    /// Records that `peer` was seen alive (it answered, or connected to us as a DHT server).
    ///
    /// - Parameters:
    ///   - peer: The peer with its current addresses (an empty list keeps the known ones).
    ///   - now: The current time.
    /// - Returns: What happened; ``InsertOutcome/checkLiveness(_:)`` asks for a ping.
    @discardableResult
    public mutating func insert(_ peer: KadPeer, now: KadTimestamp) -> InsertOutcome {
        let key = KadKey(peer: peer.id)
        guard let index = bucketIndex(of: key) else { return .rejected(.localPeer) }
        var peer = peer
        if peer.addresses.count > maxAddressesPerPeer {
            peer.addresses = Array(peer.addresses.prefix(maxAddressesPerPeer))
        }
        if let position = buckets[index].index(of: peer.id) {
            var entry = buckets[index].entries.remove(at: position)
            if !peer.addresses.isEmpty { entry.peer.addresses = peer.addresses }
            entry.lastSeen = max(entry.lastSeen, now)
            buckets[index].entries.append(entry)
            return .updated
        }
        if buckets[index].entries.count < k {
            buckets[index].entries.append(Entry(peer: peer, key: key, lastSeen: now))
            count += 1
            return .inserted
        }
        guard buckets[index].pendingCheck == nil else { return .rejected(.bucketFull) }
        let check = LivenessCheck(leastRecentlySeen: buckets[index].entries[0].peer.id, candidate: peer)
        buckets[index].pendingCheck = check
        return .checkLiveness(check)
    }

    /// Applies the result of a liveness check asked for by ``insert(_:now:)``.
    ///
    /// - Parameters:
    ///   - peer: The peer that was pinged.
    ///   - alive: Whether it answered.
    ///   - now: The current time.
    /// - Returns: The candidate if it was inserted, else nil.
    @discardableResult
    public mutating func livenessResult(of peer: PeerID, alive: Bool, now: KadTimestamp) -> KadPeer? {
        guard let index = bucketIndex(of: KadKey(peer: peer)),
            let check = buckets[index].pendingCheck, check.leastRecentlySeen == peer
        else { return nil }
        buckets[index].pendingCheck = nil
        if alive {
            insert(KadPeer(id: peer), now: now)
            return nil
        }
        remove(peer)
        return insert(check.candidate, now: now) == .inserted ? check.candidate : nil
    }

    /// Removes a peer (it failed, or stopped serving the DHT).
    ///
    /// - Parameter peer: The peer.
    /// - Returns: Its entry, if it was in the table.
    @discardableResult
    public mutating func remove(_ peer: PeerID) -> Entry? {
        guard let index = bucketIndex(of: KadKey(peer: peer)), let position = buckets[index].index(of: peer) else {
            return nil
        }
        count -= 1
        return buckets[index].entries.remove(at: position)
    }

    /// The entry for a peer.
    public func entry(for peer: PeerID) -> Entry? {
        guard let index = bucketIndex(of: KadKey(peer: peer)), let position = buckets[index].index(of: peer) else {
            return nil
        }
        return buckets[index].entries[position]
    }

    /// The peers of one bucket, least recently seen first.
    ///
    /// - Parameter index: 0..<256.
    public func bucket(_ index: Int) -> [Entry] {
        buckets[index].entries
    }

    /// The liveness check pending in a bucket.
    public func pendingCheck(inBucket index: Int) -> LivenessCheck? {
        buckets[index].pendingCheck
    }

    /// Drops the liveness check pending in a bucket (the candidate is forgotten).
    ///
    /// - Parameter index: 0..<256.
    public mutating func cancelLivenessCheck(inBucket index: Int) {
        buckets[index].pendingCheck = nil
    }

    /// Every peer, farthest bucket first.
    public var entries: [Entry] {
        buckets.flatMap(\.entries)
    }

    /// The peers closest to `key`, nearest first.
    ///
    /// Only the buckets that can hold them are sorted: with `b` the common prefix length of
    /// `key` and the local key, bucket `b` and every bucket past it are nearer to `key` than
    /// any peer of bucket `b - 1`, which is nearer than bucket `b - 2`, and so on.
    ///
    /// - Parameters:
    ///   - key: The target.
    ///   - count: How many at most.
    ///   - excluding: A peer to leave out (the requester).
    /// - Returns: Up to `count` entries.
    public func closest(to key: KadKey, count: Int, excluding: PeerID? = nil) -> [Entry] {
        guard count > 0 else { return [] }
        let split = min(localKey.commonPrefixLength(with: key), KadConfiguration.bucketCount - 1)
        var result: [Entry] = []
        result.reserveCapacity(count)
        func take(_ range: ClosedRange<Int>) {
            var scored: [(distance: KadDistance, bucket: Int, position: Int)] = []
            for bucket in range {
                for position in buckets[bucket].entries.indices {
                    let entry = buckets[bucket].entries[position]
                    if entry.peer.id != excluding { scored.append((entry.key.distance(to: key), bucket, position)) }
                }
            }
            scored.sort { $0.distance < $1.distance }
            for item in scored.prefix(count - result.count) {
                result.append(buckets[item.bucket].entries[item.position])
            }
        }
        take(split...(KadConfiguration.bucketCount - 1))
        var bucket = split - 1
        while result.count < count && bucket >= 0 {
            take(bucket...bucket)
            bucket -= 1
        }
        return result
    }
}
