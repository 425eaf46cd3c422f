import LibP2PCore
import LibP2PKad

// Timers, in one task: expired records and providers are dropped, due republications are
// sent (records every 12 h, provided keys every 22 h), and the table is refreshed every
// refreshInterval once it has peers. The task sleeps until the next of these is due, and
// at most maintenanceInterval.
extension Kademlia {
    /// One round of maintenance; the pause before the next, or nil once shut down.
    func maintenanceStep() async -> Duration? {
        guard !closed else { return nil }
        let now = Self.now()
        node.removeExpired(now: now)
        let due = node.dueRepublications(now: now)
        // Marked done first: a put or provide running meanwhile must not send them twice.
        for task in due { node.republishing.markDone(task, now: now) }
        for task in due where !closed {
            switch task {
            case .putValue(let record): _ = try? await publish(record)
            case .addProvider(let key): _ = try? await announce(key)
            }
        }
        let refreshDue = lastRefresh.map { $0 + configuration.refreshInterval } ?? now
        if !closed, node.routingTable.count > 0, Self.now() >= refreshDue {
            try? await refresh()
        }
        guard !closed else { return nil }
        let later = Self.now()
        var wake = later + configuration.maintenanceInterval
        if let next = node.republishing.nextDue { wake = min(wake, next) }
        if node.routingTable.count > 0 { wake = min(wake, (lastRefresh ?? later) + configuration.refreshInterval) }
        return max(wake - later, .seconds(1))
    }
}
