/// The time-bounded cache of message IDs seen recently (gossipsub-v1.0.md, `seen_ttl`):
/// duplicates are dropped and IHAVE asks only for unseen IDs. Entries expire ``ttl`` after
/// they were first seen; at ``capacity`` the oldest are forgotten early.
struct SeenCache: Sendable {
    private var expiries: [MessageID: GossipSubTime] = [:]
    /// IDs in insertion order (hence expiry order); `head` is the first live index.
    private var order: [(id: MessageID, expiry: GossipSubTime)] = []
    private var head = 0
    private let ttl: Duration
    private let capacity: Int

    /// An empty cache.
    init(ttl: Duration, capacity: Int) {
        self.ttl = ttl
        self.capacity = max(1, capacity)
    }

    /// Whether `id` was seen and has not expired.
    func contains(_ id: MessageID, now: GossipSubTime) -> Bool {
        guard let expiry = expiries[id] else { return false }
        return now < expiry
    }

    /// Records `id` as seen; returns false when it already was.
    @discardableResult
    mutating func insert(_ id: MessageID, now: GossipSubTime) -> Bool {
        if contains(id, now: now) { return false }
        let expiry = now + ttl
        order.append((id, expiry))
        expiries[id] = expiry
        while expiries.count > capacity { dropOldest() }
        return true
    }

    /// Forgets expired IDs.
    mutating func removeExpired(now: GossipSubTime) {
        while head < order.count, order[head].expiry <= now { dropOldest() }
    }

    /// Number of IDs held.
    var count: Int { expiries.count }

    private mutating func dropOldest() {
        guard head < order.count else { return }
        let (id, expiry) = order[head]
        // A later insert of the same ID (after it expired) has its own entry further on.
        if expiries[id] == expiry { expiries[id] = nil }
        head += 1
        compact()
    }

    private mutating func compact() {
        if head > 1024 && head * 2 > order.count {
            order.removeFirst(head)
            head = 0
        }
    }
}
