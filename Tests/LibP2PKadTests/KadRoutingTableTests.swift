import LibP2PCore
import LibP2PKad
import Testing

@Suite struct KadRoutingTableTests {
    let local = testPeer(1000)

    func fullBucket(_ table: inout KadRoutingTable, bucket: Int, seed: inout UInt64) -> [PeerID] {
        var peers: [PeerID] = []
        for second in 0..<20 {
            let peer = testPeer(inBucket: bucket, of: local, startingAt: &seed)
            #expect(table.insert(KadPeer(id: peer, addresses: [testAddress]), now: KadTimestamp(seconds: Int64(second))) == .inserted)
            peers.append(peer)
        }
        return peers
    }

    @Test func refusesLocalPeerAndRefreshesKnownPeers() {
        var table = KadRoutingTable(localPeer: local)
        #expect(table.insert(KadPeer(id: local), now: .zero) == .rejected(.localPeer))
        let peer = testPeer(5)
        #expect(table.insert(KadPeer(id: peer, addresses: [testAddress]), now: .zero) == .inserted)
        #expect(table.insert(KadPeer(id: peer), now: KadTimestamp(seconds: 9)) == .updated)
        #expect(table.entry(for: peer)?.lastSeen == KadTimestamp(seconds: 9))
        #expect(table.entry(for: peer)?.peer.addresses == [testAddress])
        #expect(table.count == 1)
    }

    @Test func fullBucketAsksToPingLeastRecentlySeenAndReplacesItWhenDead() {
        var table = KadRoutingTable(localPeer: local)
        var seed: UInt64 = 1
        let peers = fullBucket(&table, bucket: 1, seed: &seed)
        let candidate = testPeer(inBucket: 1, of: local, startingAt: &seed)
        let outcome = table.insert(KadPeer(id: candidate), now: KadTimestamp(seconds: 100))
        #expect(outcome == .checkLiveness(.init(leastRecentlySeen: peers[0], candidate: KadPeer(id: candidate))))
        // A second candidate while the check is pending is refused.
        let other = testPeer(inBucket: 1, of: local, startingAt: &seed)
        #expect(table.insert(KadPeer(id: other), now: KadTimestamp(seconds: 101)) == .rejected(.bucketFull))
        // The ping fails: the candidate takes the place.
        #expect(table.livenessResult(of: peers[0], alive: false, now: KadTimestamp(seconds: 102)) == KadPeer(id: candidate))
        #expect(table.entry(for: peers[0]) == nil)
        #expect(table.entry(for: candidate) != nil)
        #expect(table.bucket(1).count == 20)
        #expect(table.pendingCheck(inBucket: 1) == nil)
    }

    @Test func fullBucketKeepsLivePeer() {
        var table = KadRoutingTable(localPeer: local)
        var seed: UInt64 = 500
        let peers = fullBucket(&table, bucket: 0, seed: &seed)
        let candidate = testPeer(inBucket: 0, of: local, startingAt: &seed)
        guard case .checkLiveness(let check) = table.insert(KadPeer(id: candidate), now: KadTimestamp(seconds: 100)) else {
            Issue.record("expected a liveness check")
            return
        }
        #expect(table.livenessResult(of: check.leastRecentlySeen, alive: true, now: KadTimestamp(seconds: 101)) == nil)
        #expect(table.entry(for: candidate) == nil)
        // The pinged peer is now the most recently seen.
        #expect(table.bucket(0).last?.peer.id == peers[0])
        #expect(table.bucket(0).first?.peer.id == peers[1])
    }

    @Test func closestIsSortedByXorDistance() {
        var table = KadRoutingTable(localPeer: local)
        for seed in 1...200 { table.insert(KadPeer(id: testPeer(UInt64(seed))), now: .zero) }
        let target = KadKey(hashing: Array("target".utf8))
        let closest = table.closest(to: target, count: 20)
        #expect(closest.count == 20)
        let all = table.entries.map { $0.key.distance(to: target) }.sorted()
        #expect(closest.map { $0.key.distance(to: target) } == Array(all.prefix(20)))
        #expect(!table.closest(to: target, count: 20, excluding: closest[0].peer.id).contains { $0.peer.id == closest[0].peer.id })
    }

    @Test func serializesAndRestoresPeersWithAddresses() throws {
        var table = KadRoutingTable(localPeer: local)
        for seed in 1...300 {
            table.insert(KadPeer(id: testPeer(UInt64(seed)), addresses: seed % 3 == 0 ? [] : [testAddress]), now: KadTimestamp(seconds: Int64(seed)))
        }
        let bytes = table.serialized()
        let restored = try KadRoutingTable(localPeer: local, snapshot: bytes)
        #expect(restored.count == table.count)
        for index in 0..<256 {
            #expect(restored.bucket(index) == table.bucket(index))
        }
        #expect(restored.serialized() == bytes)
    }

    @Test func refusesCorruptSnapshots() {
        var table = KadRoutingTable(localPeer: local)
        table.insert(KadPeer(id: testPeer(2), addresses: [testAddress]), now: .zero)
        let bytes = table.serialized()
        #expect(throws: KadError.malformed) { try KadRoutingTable(localPeer: local, snapshot: Array(bytes.dropLast())) }
        #expect(throws: KadError.malformed) { try KadRoutingTable(localPeer: local, snapshot: bytes + [0]) }
        #expect(throws: KadError.malformed) { try KadRoutingTable(localPeer: local, snapshot: [0x56, 0x4B, 0x50, 0x53, 1, 0xFF, 0xFF, 0x03]) }
        var random = SeededGenerator(seed: 7)
        for _ in 0..<500 {
            var mutated = bytes
            mutated[Int(random.next() % UInt64(mutated.count))] = UInt8(truncatingIfNeeded: random.next())
            _ = try? KadRoutingTable(localPeer: local, snapshot: mutated)
        }
    }
}
