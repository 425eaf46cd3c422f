/// Provider records: for each key, the peers that announced with ADD_PROVIDER that they
/// provide it, each until ``KadConfiguration/providerTTL`` after its last announcement.
///
/// Bounds: ``KadConfiguration/maxProviderKeys`` keys (a new key is refused with
/// ``KadError/storeFull`` once expired entries are gone) and
/// ``KadConfiguration/maxProvidersPerKey`` providers per key (a new provider replaces the
/// one that expires first).
public struct KadProviderStore: Sendable {
    /// One provider of one key.
    public struct Provider: Sendable, Hashable {
        /// The provider and the addresses it announced.
        public var peer: KadPeer
        /// When the announcement expires.
        public var expiresAt: KadTimestamp
    }

    /// The most keys held.
    public let maxKeys: Int
    /// The most providers per key.
    public let maxProvidersPerKey: Int
    /// How long an announcement is kept.
    public let ttl: Duration
    private var storage: [[UInt8]: [Provider]] = [:]

    /// An empty store.
    public init(maxKeys: Int = 8192, maxProvidersPerKey: Int = 64, ttl: Duration = .seconds(48 * 3600)) {
        self.maxKeys = maxKeys
        self.maxProvidersPerKey = maxProvidersPerKey
        self.ttl = ttl
    }

    /// The number of keys held.
    public var keyCount: Int { storage.count }

    /// Adds or refreshes a provider of `key`.
    ///
    /// - Parameters:
    ///   - key: The provided key.
    ///   - provider: The provider with its addresses.
    ///   - now: The current time.
    /// - Throws: ``KadError/storeFull`` when the key is new and the store is at its bound.
    public mutating func add(_ key: [UInt8], provider: KadPeer, now: KadTimestamp) throws(KadError) {
        let entry = Provider(peer: provider, expiresAt: now + ttl)
        if var providers = storage[key] {
            if let index = providers.firstIndex(where: { $0.peer.id == provider.id }) {
                if provider.addresses.isEmpty { providers[index].expiresAt = entry.expiresAt } else { providers[index] = entry }
            } else if providers.count < maxProvidersPerKey {
                providers.append(entry)
            } else if let oldest = providers.indices.min(by: { providers[$0].expiresAt < providers[$1].expiresAt }) {
                providers[oldest] = entry
            }
            storage[key] = providers
            return
        }
        if storage.count >= maxKeys {
            removeExpired(now: now)
            guard storage.count < maxKeys else { throw .storeFull }
        }
        storage[key] = [entry]
    }

    /// The live providers of `key`, most recently announced last.
    ///
    /// - Parameters:
    ///   - key: The key.
    ///   - now: The current time.
    ///   - limit: The most returned.
    public func providers(for key: [UInt8], now: KadTimestamp, limit: Int = .max) -> [KadPeer] {
        (storage[key] ?? []).filter { $0.expiresAt > now }.prefix(limit).map(\.peer)
    }

    /// Drops every expired announcement, and keys left without providers.
    ///
    /// - Returns: How many announcements were dropped.
    @discardableResult
    public mutating func removeExpired(now: KadTimestamp) -> Int {
        var dropped = 0
        for (key, providers) in storage {
            let live = providers.filter { $0.expiresAt > now }
            dropped += providers.count - live.count
            storage[key] = live.isEmpty ? nil : live
        }
        return dropped
    }
}
