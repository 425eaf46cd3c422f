import LibP2P
import LibP2PCore
import LibP2PKad
import VarianceMessaging
import VarianceStorage

/// A resolved username.
public struct ResolvedUsername: Sendable, Equatable {
    public var name: String
    public var did: String
    public var peerIDs: [String]
}

/// Usernames in the Kademlia DHT: `username.register` publishes a signed claim under
/// `/variance/username/<name>`; `username.resolve` finds and verifies it. First come, first
/// served: a name that a live claim of another DID holds is refused. Our claim is renewed
/// at start and every 12 hours (it lives 48 hours).
extension Engine {
    static let usernameLifetimeMillis: Int64 = 48 * 3600 * 1000
    static let usernameKey = "username/claim"

    /// The DHT as the engine runs it: server mode, with the validator of our namespace.
    /// The DHT settings every Variance node uses (engines and relays): which record
    /// namespaces are accepted and how they are validated.
    public static func dhtConfiguration() -> KademliaConfiguration {
        var configuration = KademliaConfiguration()
        configuration.validator = NamespacedRecordValidator([
            "pk": PublicKeyRecordValidator(), "variance": VarianceRecordValidator(),
        ])
        return configuration
    }

    /// Claims `raw` (normalized) for our DID and publishes it.
    public func registerUsername(_ raw: String) async throws(EngineError) -> (name: String, did: String) {
        let identity = try readyIdentity()
        guard let name = Username.normalize(raw) else {
            throw EngineError.invalid(field: "name", reason: "must be 3 to 32 of a-z, 0-9 and _, starting with a letter")
        }
        guard let node = await startNode(), let dht else { throw EngineError.unreachable("the node is not running") }
        await awaitDHTPeers(dht, node: node)
        let now = clock()
        var claimedAt = now
        if let current = try? await resolveClaim(name) {
            guard current.did == identity.did else {
                throw EngineError.conflict("The name \(name) is taken by \(current.did).")
            }
            claimedAt = current.claimedAt
        }
        let claim = UsernameClaim.sign(
            name: name, identity: identity, peerIDs: [node.localPeer], claimedAt: claimedAt, now: now,
            lifetime: Self.usernameLifetimeMillis)
        do {
            _ = try await dht.putValue(key: Username.key(name), value: claim)
        } catch .noPeers {
            // Kept locally and republished once peers are known.
        } catch {
            throw EngineError.unreachable("The name could not be published: \(error)")
        }
        do { try readyStore().setValue(Array(name.utf8), forKey: Self.usernameKey) } catch {
            throw Self.map(error)
        }
        return (name, identity.did)
    }

    /// The DID and peer IDs that hold `raw`, verified.
    public func resolveUsername(_ raw: String) async throws(EngineError) -> ResolvedUsername {
        _ = try readyIdentity()
        guard let name = Username.normalize(raw) else {
            throw EngineError.invalid(field: "name", reason: "must be 3 to 32 of a-z, 0-9 and _, starting with a letter")
        }
        let claim = try await resolveClaim(name)
        return ResolvedUsername(name: name, did: claim.did, peerIDs: claim.peerIDs.map(\.description))
    }

    /// The winning live claim of `name`, from the DHT (a cached answer is used for a minute).
    func resolveClaim(_ name: String) async throws(EngineError) -> UsernameClaim {
        let now = clock()
        if let cached = usernameCache[name], cached.fetchedAt + 60_000 > now, cached.claim.expiresAt > now {
            return cached.claim
        }
        guard let node = await startNode(), let dht else { throw EngineError.unreachable("the node is not running") }
        await awaitDHTPeers(dht, node: node)
        let value: [UInt8]?
        do { value = try await dht.getValue(key: Username.key(name)) } catch {
            throw EngineError.unreachable("The DHT could not be asked about \(name): \(error)")
        }
        guard let value, let claim = try? UsernameClaim(bytes: value, key: Username.key(name), now: now) else {
            throw EngineError.notFound("No one holds the name \(name).")
        }
        if usernameCache.count >= 1024 { usernameCache.removeAll() }
        usernameCache[name] = (claim, now)
        return claim
    }

    /// Right after a connection, identify has not yet told the DHT which peers serve it: wait
    /// (at most 5 s) until the routing table holds a peer, when any peer is connected.
    func awaitDHTPeers(_ dht: Kademlia, node: Swarm) async {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(5)
        while await dht.routingTableCount == 0, await !node.peers.isEmpty, clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Adds the holder of a username as a contact: resolves it, finds its peer's addresses
    /// in the DHT and adds it as with a multiaddr.
    public func addContact(username raw: String, nickname: String?) async throws(EngineError) -> ContactSummary {
        let resolved = try await resolveUsername(raw)
        guard let dht else { throw EngineError.unreachable("the node is not running") }
        for text in resolved.peerIDs {
            guard let peer = try? PeerID(string: text) else { continue }
            let addresses = (try? await dht.findPeer(peer)) ?? []
            for address in addresses {
                guard let full = Self.dialable(address, of: peer)?.description else { continue }
                if var contact = try? await addContact(did: resolved.did, multiaddr: full, nickname: nickname) {
                    // The name we found them by (verified: the claim is signed by their DID)
                    // is how `@name` finds them, whatever their record calls them.
                    if contact.username != resolved.name, let store = try? readyStore(),
                        var stored = try? store.contact(did: resolved.did)
                    {
                        stored.username = resolved.name
                        try? store.upsertContact(stored)
                        contact.username = resolved.name
                    }
                    return contact
                }
            }
        }
        throw EngineError.unreachable("\(resolved.name) is \(resolved.did), but none of its peers could be reached.")
    }

    /// Re-publishes our claim, if we made one.
    func renewUsername() async {
        guard let store = try? readyStore(), let saved = try? store.value(forKey: Self.usernameKey),
            let name = saved.split(separator: 0).first.map({ String(decoding: $0, as: UTF8.self) })
        else { return }
        _ = try? await registerUsername(name)
    }

    /// Renews our claim and republishes our identity record at start, then every 12 hours,
    /// until the engine closes.
    func startUsernameRenewal() {
        usernameRenewal?.cancel()
        usernameRenewal = Task { [weak self] in
            while !Task.isCancelled {
                await self?.renewUsername()
                await self?.publishRecord()
                try? await Task.sleep(for: .seconds(12 * 3600))
            }
        }
    }
}

/// The DHT validator of `/variance/…` keys: username claims must verify and be live, and
/// the winner is first come, first served.
struct UsernameRecordValidator: RecordValidator {
    func validate(key: [UInt8], value: [UInt8]) throws(KadError) {
        guard key.starts(with: Array(Username.keyPrefix.utf8)) else { throw .invalidRecord }
        do { _ = try UsernameClaim(bytes: value, key: key, now: Engine.wallClockMillis()) } catch {
            throw .invalidRecord
        }
    }

    func select(key: [UInt8], values: [[UInt8]]) -> Int {
        let now = Engine.wallClockMillis()
        let claims = values.map { try? UsernameClaim(bytes: $0, key: key, now: now) }
        let valid = claims.indices.filter { claims[$0] != nil }
        guard let best = UsernameClaim.winner(valid.map { claims[$0]! }) else { return 0 }
        return valid[best]
    }
}
