import LibP2PCore
import LibP2PKad

// Values and providers: what the engine stores in and asks of the DHT. Each runs one lookup
// (bounded as lookups are), then at most k requests at once.
extension Kademlia {
    /// Puts a record: stores it here, schedules its republishing, and sends PUT_VALUE to the
    /// k closest peers to the key.
    ///
    /// - Returns: How many peers acknowledged it.
    /// - Throws: ``KademliaError/refused(_:)`` when the validator refuses it;
    ///   ``KademliaError/noPeers`` when no peer is known (the record is kept here and put
    ///   again at its next republication).
    @discardableResult
    public func putValue(key: [UInt8], value: [UInt8]) async throws(KademliaError) -> Int {
        guard !closed else { throw .shutDown }
        let record = KadRecord(key: key, value: value)
        let now = Self.now()
        do { try node.publish(record, now: now) } catch { throw .refused(error) }
        // Marked done before the network work, so the maintenance task does not send it too.
        node.republishing.markDone(.putValue(record), now: now)
        return try await publish(record)
    }

    /// A value: the one held here if any, else the best valid record a GET_VALUE lookup finds;
    /// peers that returned a worse one get the best (PUT_VALUE).
    ///
    /// - Returns: The value, or nil when nobody has a valid one.
    public func getValue(key: [UInt8]) async throws(KademliaError) -> [UInt8]? {
        guard !closed else { throw .shutDown }
        if let held = node.records.get(key, now: Self.now()) { return held.value }
        let result = try await lookup(.getValue, key: key)
        guard let record = result.record else { return nil }
        if !result.outdatedPeers.isEmpty {
            _ = await send(.putValue(record), to: result.outdatedPeers.prefix(configuration.kad.k).map { KadPeer(id: $0) })
        }
        return record.value
    }

    /// The value held here for `key` (put to us, or by us), without asking anyone.
    public func storedValue(key: [UInt8]) -> [UInt8]? {
        node.records.get(key, now: Self.now())?.value
    }

    /// Announces this node as a provider of `key` to the k closest peers (and keeps doing so
    /// every ``KadConfiguration/providerRepublishInterval``). For go-libp2p peers the key
    /// should be a multihash (`0x12 0x20` + SHA-256).
    ///
    /// - Returns: How many peers were told.
    @discardableResult
    public func provide(key: [UInt8]) async throws(KademliaError) -> Int {
        guard !closed else { throw .shutDown }
        let addresses = await swarm.listenAddresses
        node.localAddresses = addresses
        let now = Self.now()
        do { try node.provide(key, now: now) } catch { throw .refused(error) }
        node.republishing.markDone(.addProvider(key: key), now: now)
        return try await announce(key)
    }

    /// Providers of `key`: those known here and those a GET_PROVIDERS lookup finds.
    public func findProviders(key: [UInt8]) async throws(KademliaError) -> [KadPeer] {
        guard !closed else { throw .shutDown }
        var providers = node.providers.providers(for: key, now: Self.now(), limit: configuration.kad.providerQuorum)
        let result = try await lookup(.getProviders, key: key)
        for provider in result.providers where !providers.contains(where: { $0.id == provider.id }) {
            providers.append(provider)
        }
        return providers
    }

    /// PUT_VALUE of `record` to the k closest peers to its key.
    func publish(_ record: KadRecord) async throws(KademliaError) -> Int {
        let closest = try await lookup(.findNode, key: record.key).closest.map(\.peer)
        return await send(.putValue(record), to: closest)
    }

    /// ADD_PROVIDER of this node for `key` to the k closest peers.
    func announce(_ key: [UInt8]) async throws(KademliaError) -> Int {
        let closest = try await lookup(.findNode, key: key).closest.map(\.peer)
        return await send(.addProvider(key, provider: node.localPeerEntry), to: closest)
    }
}
