import LibP2PCore

/// The persisted form of the peer store (routing table contents and addresses).
///
/// ```
/// snapshot = "VKPS" version:u8(1) count:uvarint entry*count
/// entry    = idLength:uvarint id lastSeenMs:uvarint addrCount:uvarint (addrLength:uvarint addr)*addrCount
/// ```
/// Restoring is bounded (at most 256 × k entries, ``KadRoutingTable/maxAddressesPerPeer``
/// addresses each) and refuses trailing or truncated bytes; unparseable peer IDs or
/// addresses refuse the whole snapshot, since we wrote it ourselves and it is corrupt.
extension KadRoutingTable {
    static let snapshotMagic: [UInt8] = Array("VKPS".utf8)
    static let snapshotVersion: UInt8 = 1

    /// The table's peers and addresses as bytes, for the engine to persist.
    public func serialized() -> [UInt8] {
        var bytes = Self.snapshotMagic
        bytes.append(Self.snapshotVersion)
        let all = entries
        Varint.encode(UInt64(all.count), into: &bytes)
        for entry in all {
            Varint.encode(UInt64(entry.peer.id.bytes.count), into: &bytes)
            bytes.append(contentsOf: entry.peer.id.bytes)
            Varint.encode(UInt64(max(0, entry.lastSeen.milliseconds)), into: &bytes)
            Varint.encode(UInt64(entry.peer.addresses.count), into: &bytes)
            for address in entry.peer.addresses {
                Varint.encode(UInt64(address.bytes.count), into: &bytes)
                bytes.append(contentsOf: address.bytes)
            }
        }
        return bytes
    }

    /// A table restored from ``serialized()`` bytes. Entries are re-inserted least
    /// recently seen first, so each bucket keeps its order.
    ///
    /// - Parameters:
    ///   - localPeer: The local node (entries equal to it are skipped).
    ///   - k: The bucket size; entries past it in a bucket are dropped.
    ///   - maxAddressesPerPeer: The most addresses kept per peer.
    ///   - snapshot: The bytes.
    /// - Throws: ``KadError/malformed``.
    public init(
        localPeer: PeerID, k: Int = 20, maxAddressesPerPeer: Int = 16, snapshot: [UInt8]
    ) throws(KadError) {
        self.init(localPeer: localPeer, k: k, maxAddressesPerPeer: maxAddressesPerPeer)
        var reader = SnapshotReader(bytes: snapshot)
        guard try reader.take(4) == Self.snapshotMagic, try reader.take(1) == [Self.snapshotVersion] else {
            throw .malformed
        }
        let count = try reader.length(limit: KadConfiguration.bucketCount * k)
        var restored: [(KadPeer, KadTimestamp)] = []
        for _ in 0..<count {
            let idBytes = try reader.take(reader.length(limit: 64))
            guard let id = try? PeerID(bytes: idBytes) else { throw .malformed }
            let lastSeen = try reader.varint()
            guard lastSeen <= UInt64(Int64.max) else { throw .malformed }
            let addressCount = try reader.length(limit: maxAddressesPerPeer)
            var addresses: [Multiaddr] = []
            for _ in 0..<addressCount {
                let raw = try reader.take(reader.length(limit: Multiaddr.maxBinaryLength))
                guard let address = try? Multiaddr(bytes: raw) else { throw .malformed }
                addresses.append(address)
            }
            restored.append((KadPeer(id: id, addresses: addresses), KadTimestamp(milliseconds: Int64(lastSeen))))
        }
        guard reader.isAtEnd else { throw .malformed }
        for (peer, lastSeen) in restored.sorted(by: { $0.1 < $1.1 }) {
            if case .checkLiveness = insert(peer, now: lastSeen), let index = bucketIndex(of: KadKey(peer: peer.id)) {
                // A full bucket: drop the surplus rather than leave a check nobody runs.
                cancelLivenessCheck(inBucket: index)
            }
        }
    }
}

/// A bounds-checked cursor over snapshot bytes.
struct SnapshotReader {
    let bytes: [UInt8]
    var offset = 0

    var isAtEnd: Bool { offset == bytes.count }

    mutating func take(_ count: Int) throws(KadError) -> [UInt8] {
        guard count >= 0, bytes.count - offset >= count else { throw .malformed }
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    mutating func varint() throws(KadError) -> UInt64 {
        guard let (value, length) = try? Varint.decode(bytes[offset...]) else { throw .malformed }
        offset += length
        return value
    }

    mutating func length(limit: Int) throws(KadError) -> Int {
        let value = try varint()
        guard value <= UInt64(limit) else { throw .malformed }
        return Int(value)
    }
}
