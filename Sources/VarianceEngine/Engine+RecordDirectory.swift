import LibP2P
import LibP2PCore
import LibP2PKad
import VarianceMessaging

/// Identity records in the DHT, under `/variance/record/<did>`: each engine publishes its
/// own signed record at start and with every renewal, and looks up a record it lacks there
/// (`contacts.add {did}` with no address, a first message to someone it never met). A record
/// is valid only if it verifies against the DID in its key; of several, the highest sequence
/// wins. Fetched records are kept like records fetched from a peer (memory and database).
extension Engine {
    static let recordKeyPrefix = "/variance/record/"

    static func recordDHTKey(_ did: String) -> [UInt8] { Array((recordKeyPrefix + did).utf8) }

    /// Publishes our record the first time the routing table holds a peer.
    func publishRecordOnce(dht: Kademlia) async {
        guard !recordPublished, await dht.routingTableCount > 0 else { return }
        recordPublished = true
        Task { await self.publishRecord() }
    }

    /// Publishes our current record (best effort).
    func publishRecord() async {
        guard let identity, let dht, let node = swarm, let record = try? ourRecord() else { return }
        await awaitDHTPeers(dht, node: node)
        do { _ = try await dht.putValue(key: Self.recordDHTKey(identity.did), value: record.bytes) } catch {
            logger.debug("Publishing our identity record failed", metadata: ["error": "\(error)"])
        }
    }

    /// `did`'s record from the DHT, verified and remembered (nil if none is found).
    func recordFromDirectory(_ did: String) async -> IdentityRecord? {
        guard let dht, let node = swarm else { return nil }
        await awaitDHTPeers(dht, node: node)
        guard let bytes = try? await dht.getValue(key: Self.recordDHTKey(did)),
            let record = try? UnverifiedIdentityRecord(bytes: bytes).verify(expectedDID: did)
        else { return nil }
        if let known = try? knownRecord(did), known.sequence >= record.sequence { return known }
        try? remember(record, bytes: bytes)
        return record
    }

    /// Where `record`'s peers are, from the DHT (for a contact with no stored address).
    func findAddresses(of record: IdentityRecord) async -> [Multiaddr] {
        guard let dht else { return [] }
        var found: [Multiaddr] = []
        for peer in record.peerIDs {
            for address in (try? await dht.findPeer(peer)) ?? [] {
                if let dialable = Self.dialable(address, of: peer), !found.contains(dialable) { found.append(dialable) }
            }
        }
        return found
    }
}

/// The DHT validator of `/variance/record/<did>` keys.
struct IdentityRecordValidator: RecordValidator {
    func validate(key: [UInt8], value: [UInt8]) throws(KadError) {
        guard let did = Self.did(in: key), (try? UnverifiedIdentityRecord(bytes: value).verify(expectedDID: did)) != nil
        else { throw .invalidRecord }
    }

    func select(key: [UInt8], values: [[UInt8]]) -> Int {
        guard let did = Self.did(in: key) else { return 0 }
        let sequences = values.map { (try? UnverifiedIdentityRecord(bytes: $0).verify(expectedDID: did))?.sequence }
        var best = 0
        for index in sequences.indices where (sequences[index] ?? 0) > (sequences[best] ?? 0) { best = index }
        return best
    }

    static func did(in key: [UInt8]) -> String? {
        let prefix = Array(Engine.recordKeyPrefix.utf8)
        guard key.starts(with: prefix) else { return nil }
        let did = String(decoding: key.dropFirst(prefix.count), as: UTF8.self)
        return did.hasPrefix("did:key:") ? did : nil
    }
}

/// `/variance/…` keys: username claims and identity records, each by its own validator.
struct VarianceRecordValidator: RecordValidator {
    let names = UsernameRecordValidator()
    let records = IdentityRecordValidator()

    func validate(key: [UInt8], value: [UInt8]) throws(KadError) {
        if IdentityRecordValidator.did(in: key) != nil { try records.validate(key: key, value: value) } else {
            try names.validate(key: key, value: value)
        }
    }

    func select(key: [UInt8], values: [[UInt8]]) -> Int {
        IdentityRecordValidator.did(in: key) != nil ? records.select(key: key, values: values) : names.select(key: key, values: values)
    }
}
