import DequeModule

/// The peer's stream ids that are no longer open, kept so that a SYN reusing one is
/// caught. Bounded: the oldest ids are forgotten one by one, and every id at or below the
/// highest forgotten one counts as used (peers allocate ids in increasing order; only
/// concurrent opens arrive slightly out of order).
struct ClosedStreamHistory: Sendable {
    let capacity: Int
    private var members: Set<YamuxStreamID> = []
    private var order: Deque<YamuxStreamID> = []
    private var highestForgotten: UInt32 = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
    }

    func contains(_ id: YamuxStreamID) -> Bool {
        id.rawValue <= highestForgotten || members.contains(id)
    }

    mutating func insert(_ id: YamuxStreamID) {
        guard !contains(id) else { return }
        members.insert(id)
        order.append(id)
        if order.count > capacity {
            let oldest = order.removeFirst()
            members.remove(oldest)
            highestForgotten = max(highestForgotten, oldest.rawValue)
        }
    }
}
