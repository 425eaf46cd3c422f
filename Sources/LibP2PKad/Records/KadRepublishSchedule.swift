/// What this node itself published and when it is due to publish it again: records it put
/// (every ``KadConfiguration/recordRepublishInterval``) and keys it provides (every
/// ``KadConfiguration/providerRepublishInterval``). The shell asks ``due(at:)``, runs a
/// FIND_NODE lookup for each task, sends PUT_VALUE or ADD_PROVIDER to the closest peers, then
/// calls ``markDone(_:now:)``.
///
/// Bound: ``KadConfiguration/maxRecords`` records and ``KadConfiguration/maxProviderKeys`` keys.
public struct KadRepublishSchedule: Sendable {
    /// One publication.
    public enum Task: Sendable, Hashable {
        /// Put this record at the closest peers to its key.
        case putValue(KadRecord)
        /// Announce this node as a provider of the key at the closest peers.
        case addProvider(key: [UInt8])

        var key: [UInt8] {
            switch self {
            case .putValue(let record): record.key
            case .addProvider(let key): key
            }
        }
    }

    private var records: [[UInt8]: (record: KadRecord, due: KadTimestamp)] = [:]
    private var providedKeys: [[UInt8]: KadTimestamp] = [:]
    /// The record interval.
    public let recordInterval: Duration
    /// The provider interval.
    public let providerInterval: Duration
    /// The most records and the most provided keys.
    public let maxRecords: Int, maxProvidedKeys: Int

    /// An empty schedule.
    public init(
        recordInterval: Duration = .seconds(12 * 3600), providerInterval: Duration = .seconds(22 * 3600),
        maxRecords: Int = 4096, maxProvidedKeys: Int = 8192
    ) {
        self.recordInterval = recordInterval
        self.providerInterval = providerInterval
        self.maxRecords = maxRecords
        self.maxProvidedKeys = maxProvidedKeys
    }

    /// Schedules a record this node originated; due at once (the first publication).
    ///
    /// - Throws: ``KadError/storeFull`` at the bound.
    public mutating func add(record: KadRecord, now: KadTimestamp) throws(KadError) {
        guard records[record.key] != nil || records.count < maxRecords else { throw .storeFull }
        records[record.key] = (record, now)
    }

    /// Schedules a key this node provides; due at once.
    ///
    /// - Throws: ``KadError/storeFull`` at the bound.
    public mutating func add(providedKey key: [UInt8], now: KadTimestamp) throws(KadError) {
        guard providedKeys[key] != nil || providedKeys.count < maxProvidedKeys else { throw .storeFull }
        providedKeys[key] = now
    }

    /// Stops republishing a record or a provided key.
    public mutating func remove(_ task: Task) {
        switch task {
        case .putValue(let record): records[record.key] = nil
        case .addProvider(let key): providedKeys[key] = nil
        }
    }

    /// Every task due at `now`, the most overdue first.
    public func due(at now: KadTimestamp) -> [Task] {
        var due: [(KadTimestamp, Task)] = []
        for (_, entry) in records where entry.due <= now { due.append((entry.due, .putValue(entry.record))) }
        for (key, time) in providedKeys where time <= now { due.append((time, .addProvider(key: key))) }
        return due.sorted { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1.key.lexicographicallyPrecedes($1.1.key)) }.map(\.1)
    }

    /// When the next task is due, or nil if nothing is scheduled (for the shell's timer).
    public var nextDue: KadTimestamp? {
        (records.values.map(\.due) + Array(providedKeys.values)).min()
    }

    /// Records that a task was carried out at `now`; it is due again one interval later.
    public mutating func markDone(_ task: Task, now: KadTimestamp) {
        switch task {
        case .putValue(let record):
            if records[record.key] != nil { records[record.key]?.due = now + recordInterval }
        case .addProvider(let key):
            if providedKeys[key] != nil { providedKeys[key] = now + providerInterval }
        }
    }
}
