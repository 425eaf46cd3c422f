import Crypto
import LibP2PCore
import LibP2PKad
import Testing

@Suite struct KadNodeTests {
    @Test func pingAnswersPing() throws {
        var (network, peers) = TestNetwork.mesh(2)
        #expect(try network.send(.ping, from: peers[0], to: peers[1]) == .ping)
    }

    @Test func findNodeReturnsKClosestAndExactMatch() throws {
        var (network, peers) = TestNetwork.mesh(30)
        let target = testPeer(99_999)
        let response = try #require(try network.send(.findNode(target.bytes), from: peers[0], to: peers[1]))
        #expect(response.type == .findNode)
        #expect(response.closerPeers.count == 20)
        #expect(!response.closerPeers.contains { $0.id == peers[0] })  // never the requester
        let expected = peers.filter { $0 != peers[0] && $0 != peers[1] }
            .sorted { KadKey(peer: $0).distance(to: KadKey(peer: target)) < KadKey(peer: $1).distance(to: KadKey(peer: target)) }
        #expect(response.closerPeers.map(\.id) == Array(expected.prefix(20)))
        #expect(response.closerPeers[0].addresses == [testAddress])

        let exact = try #require(try network.send(.findNode(peers[5].bytes), from: peers[0], to: peers[1]))
        #expect(exact.closerPeers.map(\.id) == [peers[5]])
    }

    @Test func lookupFindsTheClosestPeersOverBytes() {
        var (network, peers) = TestNetwork.mesh(40)
        // Peer 0 only knows peer 1; the lookup must walk.
        network.nodes[peers[0]] = nil
        network.add(peers[0])
        network.nodes[peers[0]]!.peerSeen(KadPeer(id: peers[1]), isServer: true, now: network.now)
        let key = Array("some key".utf8)
        let lookup = network.lookup(.findNode, key: key, from: peers[0])
        #expect(lookup.isFinished)
        let target = KadKey(hashing: key)
        let expected = peers.dropFirst().sorted { KadKey(peer: $0).distance(to: target) < KadKey(peer: $1).distance(to: target) }
        #expect(lookup.result.closest.map(\.peer.id) == Array(expected.prefix(20)))
    }

    @Test func putThenGetValue() throws {
        var (network, peers) = TestNetwork.mesh(25)
        let record = KadRecord(key: Array("/test/greeting".utf8), value: Array("hello".utf8))
        // Publisher: find the closest, then PUT_VALUE to each.
        try network.nodes[peers[0]]!.publish(record, now: network.now)
        let closest = network.lookup(.findNode, key: record.key, from: peers[0]).result.closest
        for found in closest {
            let echo = try network.send(.putValue(record), from: peers[0], to: found.peer.id)
            #expect(echo == .putValue(record))
        }
        // Another node gets it.
        var getter = network.lookup(.getValue, key: record.key, from: peers[24])
        #expect(getter.result.record?.value == record.value)
        #expect(getter.result.recordHolders.count == 1)
        // The stored copy carries the receiver's time.
        let holder = closest[0].peer.id
        #expect(network.nodes[holder]!.records.get(record.key, now: network.now)?.timeReceived.hasSuffix("Z") == true)
        _ = getter.next(now: network.now)
    }

    @Test func validatorRejectsForgedPublicKeyRecord() throws {
        var (network, peers) = TestNetwork.mesh(3)
        let victim = Curve25519.Signing.PrivateKey().publicKey
        let victimPeer = PeerID(ed25519PublicKey: Array(victim.rawRepresentation))
        let forger = Curve25519.Signing.PrivateKey().publicKey
        let key = PublicKeyRecordValidator.key(for: victimPeer)
        let forged = KadRecord(key: key, value: LibP2PPublicKey(ed25519: Array(forger.rawRepresentation)).protobuf)
        #expect(throws: KadError.invalidRecord) { try network.send(.putValue(forged), from: peers[0], to: peers[1]) }
        #expect(network.nodes[peers[1]]!.records.count == 0)
        let genuine = KadRecord(key: key, value: LibP2PPublicKey(ed25519: Array(victim.rawRepresentation)).protobuf)
        #expect(try network.send(.putValue(genuine), from: peers[0], to: peers[1]) == .putValue(genuine))
        // Unknown namespace: a spam store refuses it.
        let spam = KadRecord(key: Array("/spam/x".utf8), value: [1])
        #expect(throws: KadError.invalidRecord) { try network.send(.putValue(spam), from: peers[0], to: peers[1]) }
        // A lookup ignores a forged record returned by a hostile peer.
        var lookup = KadLookup(
            kind: .getValue, key: key, seeds: [KadPeer(id: peers[2])], localPeer: peers[0], validator: TestNetwork.validator
        )
        guard case .query = lookup.next(now: network.now) else { Issue.record("expected a query"); return }
        lookup.received(KadMessage(type: .getValue, key: key, record: forged), from: peers[2], now: network.now)
        #expect(lookup.result.record == nil)
    }

    @Test func firstWriteWinsKeepsTheHeldRecord() throws {
        var (network, peers) = TestNetwork.mesh(2)
        let first = KadRecord(key: Array("/test/k".utf8), value: [1])
        let second = KadRecord(key: Array("/test/k".utf8), value: [2])
        _ = try network.send(.putValue(first), from: peers[0], to: peers[1])
        _ = try network.send(.putValue(second), from: peers[0], to: peers[1])
        #expect(network.nodes[peers[1]]!.records.get(first.key, now: network.now)?.value == [1])
    }

    @Test func providersAreStoredOnlyForTheSenderAndFound() throws {
        var (network, peers) = TestNetwork.mesh(25)
        let key: [UInt8] = [0x12, 0x20] + Array(SHA256.hash(data: Array("variance/username/alice".utf8)))
        try network.nodes[peers[3]]!.provide(key, now: network.now)
        let announcement = KadMessage.addProvider(key, provider: network.nodes[peers[3]]!.localPeerEntry)
        for found in network.lookup(.findNode, key: key, from: peers[3]).result.closest {
            #expect(try network.send(announcement, from: peers[3], to: found.peer.id) == nil)
        }
        // Someone announcing another peer is ignored.
        let impostor = KadMessage.addProvider(Array("other".utf8), provider: KadPeer(id: peers[3], addresses: [testAddress]))
        _ = try network.send(impostor, from: peers[4], to: peers[5])
        #expect(network.nodes[peers[5]]!.providers.providers(for: Array("other".utf8), now: network.now).isEmpty)

        let lookup = network.lookup(.getProviders, key: key, from: peers[20])
        #expect(lookup.result.providers.map(\.id) == [peers[3]])
        #expect(lookup.result.providers[0].addresses == [testAddress])
        #expect(network.nodes[peers[3]]!.dueRepublications(now: network.now) == [.addProvider(key: key)])
    }

    @Test func recordsAndProvidersExpire() throws {
        var configuration = KadConfiguration()
        configuration.recordTTL = .seconds(60)
        configuration.providerTTL = .seconds(120)
        var network = TestNetwork()
        let a = testPeer(1)
        let b = testPeer(2)
        network.add(a, configuration: configuration)
        network.add(b, configuration: configuration)
        let record = KadRecord(key: Array("/test/e".utf8), value: [9])
        _ = try network.send(.putValue(record), from: a, to: b)
        _ = try network.send(.addProvider(Array("p".utf8), provider: KadPeer(id: a, addresses: [testAddress])), from: a, to: b)
        network.now = network.now + .seconds(59)
        #expect(try network.send(.getValue(record.key), from: a, to: b)?.record?.value == [9])
        network.now = network.now + .seconds(1)
        #expect(try network.send(.getValue(record.key), from: a, to: b)?.record == nil)
        #expect(try network.send(.getProviders(Array("p".utf8)), from: a, to: b)?.providerPeers.count == 1)
        network.now = network.now + .seconds(60)
        #expect(try network.send(.getProviders(Array("p".utf8)), from: a, to: b)?.providerPeers.isEmpty == true)
        network.nodes[b]!.removeExpired(now: network.now)
        #expect(network.nodes[b]!.records.count == 0)
        #expect(network.nodes[b]!.providers.keyCount == 0)
    }

    @Test func storedRecordsCarryRFC3339ReceiveTime() throws {
        var store = KadRecordStore()
        let record = KadRecord(key: Array("/test/t".utf8), value: [1], timeReceived: "forged by sender")
        try store.put(record, validator: FirstWriteWinsValidator(), now: KadTimestamp(milliseconds: 1_795_760_561_123))
        #expect(store.get(record.key, now: .zero)?.timeReceived == "2026-11-27T06:22:41.123Z")
        var old = KadRecordStore()
        try old.put(record, validator: FirstWriteWinsValidator(), now: KadTimestamp(milliseconds: -1))
        #expect(old.stored(record.key)?.record.timeReceived == "1969-12-31T23:59:59.999Z")
    }

    @Test func defaultExpiryIs36HoursForRecordsAnd48ForProviders() {
        let configuration = KadConfiguration()
        #expect(configuration.recordTTL == .seconds(36 * 3600))
        #expect(configuration.providerTTL == .seconds(48 * 3600))
    }

    @Test func republishScheduleSaysWhatIsDue() throws {
        var node = KadNode(localPeer: testPeer(1), validator: TestNetwork.validator)
        let start = KadTimestamp(seconds: 1000)
        let record = KadRecord(key: Array("/test/mine".utf8), value: [1])
        try node.publish(record, now: start)
        try node.provide(Array("key".utf8), now: start)
        #expect(node.dueRepublications(now: start).count == 2)
        for task in node.dueRepublications(now: start) { node.republishing.markDone(task, now: start) }
        #expect(node.dueRepublications(now: start + .seconds(3600)).isEmpty)
        #expect(node.dueRepublications(now: start + .seconds(12 * 3600)) == [.putValue(record)])
        #expect(node.dueRepublications(now: start + .seconds(22 * 3600)).count == 2)
        #expect(node.republishing.nextDue == start + .seconds(12 * 3600))
    }

    @Test func clientsServeNothingAndStayOutOfTables() throws {
        var network = TestNetwork()
        let server = testPeer(1)
        let client = testPeer(2)
        network.add(server)
        network.add(client, mode: .client)
        #expect(throws: KadError.clientMode) { try network.send(.ping, from: server, to: client) }
        #expect(try network.send(.ping, from: client, to: server) == .ping)
        #expect(network.nodes[server]!.routingTable.count == 0)
    }

    @Test func hostileRequestsAreRefused() throws {
        var (network, peers) = TestNetwork.mesh(2)
        let record = KadRecord(key: Array("/test/a".utf8), value: [1])
        #expect(throws: KadError.recordKeyMismatch) {
            try network.send(KadMessage(type: .putValue, key: Array("/test/b".utf8), record: record), from: peers[0], to: peers[1])
        }
        #expect(throws: KadError.missingField("record")) {
            try network.send(KadMessage(type: .putValue, key: record.key), from: peers[0], to: peers[1])
        }
        #expect(throws: KadError.invalidKey) { try network.send(.getValue([]), from: peers[0], to: peers[1]) }
        #expect(throws: KadError.malformed) {
            _ = try network.nodes[peers[1]]!.handle(requestBytes: [0xFF, 0xFF, 0xFF], from: peers[0], now: network.now)
        }
    }

    @Test func storesAreBounded() throws {
        var configuration = KadConfiguration()
        configuration.maxRecords = 3
        configuration.maxProviderKeys = 2
        configuration.maxProvidersPerKey = 2
        var network = TestNetwork()
        let a = testPeer(1)
        let b = testPeer(2)
        network.add(a)
        network.add(b, configuration: configuration)
        for index in 0..<3 {
            _ = try network.send(.putValue(KadRecord(key: Array("/test/\(index)".utf8), value: [1])), from: a, to: b)
        }
        #expect(throws: KadError.storeFull) {
            try network.send(.putValue(KadRecord(key: Array("/test/9".utf8), value: [1])), from: a, to: b)
        }
        for key in ["x", "y"] {
            _ = try network.send(.addProvider(Array(key.utf8), provider: KadPeer(id: a)), from: a, to: b)
        }
        #expect(throws: KadError.storeFull) {
            try network.send(.addProvider(Array("z".utf8), provider: KadPeer(id: a)), from: a, to: b)
        }
        var store = KadProviderStore(maxKeys: 1, maxProvidersPerKey: 2)
        for seed in 1...5 { try store.add([1], provider: KadPeer(id: testPeer(UInt64(seed))), now: KadTimestamp(seconds: Int64(seed))) }
        #expect(store.providers(for: [1], now: .zero).map(\.id) == [testPeer(5), testPeer(4)])
    }
}
