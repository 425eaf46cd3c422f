import LibP2PCore
import LibP2PKad
import Testing

@Suite struct KadKeyTests {
    @Test func hashesWithSHA256() {
        #expect(KadKey(hashing: [UInt8]()).description == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let key = KadKey(hashing: Array("abc".utf8))
        #expect(KadKey(digest: key.bytes) == key)
    }

    @Test func distanceIsXorAndOrdered() {
        let zero = KadKey(digest: Array(repeating: 0, count: 32))
        var top = Array(repeating: UInt8(0), count: 32)
        top[0] = 0x80
        var low = Array(repeating: UInt8(0), count: 32)
        low[31] = 0x01
        #expect(zero.distance(to: KadKey(digest: top)) > zero.distance(to: KadKey(digest: low)))
        #expect(zero.commonPrefixLength(with: KadKey(digest: top)) == 0)
        #expect(zero.commonPrefixLength(with: KadKey(digest: low)) == 255)
        #expect(zero.commonPrefixLength(with: zero) == 256)
        let a = KadKey(hashing: [1])
        let b = KadKey(hashing: [2])
        #expect(a.distance(to: b) == b.distance(to: a))
    }

    @Test func peerKeyIsHashOfBinaryPeerID() {
        let peer = testPeer(1)
        #expect(KadKey(peer: peer) == KadKey(hashing: peer.bytes))
    }
}

@Suite struct KadDistanceDifferentialTests {
    /// py-libp2p 0.8.1 `sort_peer_ids_by_distance` over the peers with Ed25519 keys
    /// `[i] * 32`, i = 1...30 (1-based positions, nearest first).
    @Test func ordersPeersAsPyLibp2p() {
        let peers = (1...30).map { PeerID(ed25519PublicKey: Array(repeating: UInt8($0), count: 32)) }
        let cases: [([UInt8], [Int])] = [
            (
                Array("/test/hello".utf8),
                [11, 14, 27, 4, 9, 7, 30, 22, 5, 26, 19, 3, 8, 13, 1, 15, 6, 20, 28, 29, 21, 17, 24, 2, 18, 25, 23, 10, 16, 12]
            ),
            (
                peers[6].bytes,
                [7, 9, 30, 5, 22, 26, 14, 11, 4, 27, 2, 24, 17, 12, 10, 16, 23, 25, 18, 3, 19, 6, 15, 1, 13, 8, 21, 29, 28, 20]
            ),
        ]
        for (key, expected) in cases {
            var table = KadRoutingTable(localPeer: PeerID(ed25519PublicKey: Array(repeating: 0xEE, count: 32)))
            for peer in peers { table.insert(KadPeer(id: peer), now: .zero) }
            let order = table.closest(to: KadKey(hashing: key), count: 30).map { entry in peers.firstIndex(of: entry.peer.id)! + 1 }
            #expect(order == expected)
        }
    }
}
