/// The records this node holds for others, each until ``KadConfiguration/recordTTL`` after it
/// was received.
///
/// Bound: ``KadConfiguration/maxRecords`` keys; at the bound expired records are dropped
/// first, and if none are, a new key is refused with ``KadError/storeFull`` (records already
/// held are never evicted by newcomers, so flooding cannot push out real records).
public struct KadRecordStore: Sendable {
    /// A held record.
    public struct Stored: Sendable, Hashable {
        /// The record (its `timeReceived` set by this node).
        public var record: KadRecord
        /// When it was received.
        public var receivedAt: KadTimestamp
        /// When it expires.
        public var expiresAt: KadTimestamp
    }

    /// What ``put(_:validator:now:)`` did.
    public enum PutOutcome: Sendable, Hashable {
        /// The record is stored (new key, or better than the one held).
        case stored
        /// The record held is at least as good; it was kept.
        case keptExisting
    }

    /// The most keys held.
    public let maxRecords: Int
    /// How long a record is kept.
    public let ttl: Duration
    private var storage: [[UInt8]: Stored] = [:]

    /// An empty store.
    public init(maxRecords: Int = 4096, ttl: Duration = .seconds(36 * 3600)) {
        self.maxRecords = maxRecords
        self.ttl = ttl
    }

    /// The number of keys held (expired ones included until ``removeExpired(now:)``).
    public var count: Int { storage.count }

    /// Stores a record the validator accepted, unless the held one is better.
    ///
    /// - Parameters:
    ///   - record: The record.
    ///   - validator: Picks between the held and the new record.
    ///   - now: The current time.
    /// - Returns: What happened.
    /// - Throws: ``KadError/invalidRecord`` if the validator refuses it,
    ///   ``KadError/storeFull`` at the bound.
    @discardableResult
    public mutating func put(
        _ record: KadRecord, validator: any RecordValidator, now: KadTimestamp
    ) throws(KadError) -> PutOutcome {
        try validator.validate(key: record.key, value: record.value)
        var record = record
        record.timeReceived = RFC3339.format(now)
        let stored = Stored(record: record, receivedAt: now, expiresAt: now + ttl)
        if let held = storage[record.key], held.expiresAt > now, held.record.value != record.value,
            validator.select(key: record.key, values: [held.record.value, record.value]) == 0
        {
            return .keptExisting
        }
        if storage[record.key] == nil && storage.count >= maxRecords {
            removeExpired(now: now)
            guard storage.count < maxRecords else { throw .storeFull }
        }
        storage[record.key] = stored
        return .stored
    }

    /// The record under `key`, unless it expired.
    public func get(_ key: [UInt8], now: KadTimestamp) -> KadRecord? {
        guard let held = storage[key], held.expiresAt > now else { return nil }
        return held.record
    }

    /// The stored entry under `key`, expired or not.
    public func stored(_ key: [UInt8]) -> Stored? {
        storage[key]
    }

    /// Drops every expired record.
    ///
    /// - Returns: How many were dropped.
    @discardableResult
    public mutating func removeExpired(now: KadTimestamp) -> Int {
        let before = storage.count
        storage = storage.filter { $0.value.expiresAt > now }
        return before - storage.count
    }
}
