import LibP2PCore
import LibP2PKad
import Testing

@Suite struct KadLookupTests {
    let local = testPeer(1)
    let seeds = (10..<40).map { KadPeer(id: testPeer(UInt64($0))) }

    @Test func keepsAlphaInFlight() {
        var lookup = KadLookup(kind: .findNode, key: [1, 2, 3], seeds: seeds, localPeer: local)
        var sent: [PeerID] = []
        while case .query(let peer, let request) = lookup.next(now: .zero) {
            #expect(request == .findNode([1, 2, 3]))
            sent.append(peer.id)
        }
        #expect(sent.count == 3)
        #expect(lookup.next(now: .zero) == .waiting)
        lookup.failed(sent[0], now: .zero)
        guard case .query = lookup.next(now: .zero) else { Issue.record("a slot should be free"); return }
        #expect(lookup.next(now: .zero) == .waiting)
    }

    @Test func timeoutsFreeSlots() {
        var lookup = KadLookup(kind: .findNode, key: [1], seeds: seeds, localPeer: local)
        while case .query = lookup.next(now: .zero) {}
        #expect(lookup.pending.count == 3)
        #expect(lookup.nextTimeout == KadTimestamp(seconds: 10))
        #expect(lookup.next(now: KadTimestamp(milliseconds: 9999)) == .waiting)
        guard case .query = lookup.next(now: KadTimestamp(seconds: 10)) else { Issue.record("timeouts should free slots"); return }
        #expect(lookup.pending.count == 1)
    }

    @Test func finishesWhenTheKClosestAnswered() {
        var lookup = KadLookup(kind: .findNode, key: [7], seeds: seeds, localPeer: local)
        var answered = 0
        while true {
            var batch: [PeerID] = []
            loop: while true {
                switch lookup.next(now: .zero) {
                case .query(let peer, _): batch.append(peer.id)
                case .waiting: break loop
                case .finished: break loop
                }
            }
            if batch.isEmpty { break }
            for peer in batch {
                lookup.received(KadMessage(type: .findNode, key: [7]), from: peer, now: .zero)
                answered += 1
            }
        }
        #expect(lookup.isFinished)
        #expect(answered == 20)
        #expect(lookup.result.closest.count == 20)
        let target = KadKey(hashing: [7])
        let expected = seeds.map(\.id).sorted { KadKey(peer: $0).distance(to: target) < KadKey(peer: $1).distance(to: target) }
        #expect(lookup.result.closest.map(\.peer.id) == Array(expected.prefix(20)))
    }

    @Test func wrongResponseTypeCountsAsFailure() {
        var lookup = KadLookup(kind: .getValue, key: [7], seeds: [seeds[0]], localPeer: local)
        guard case .query(let peer, _) = lookup.next(now: .zero) else { Issue.record("expected a query"); return }
        lookup.received(KadMessage(type: .findNode, key: [7], closerPeers: [KadPeer(id: testPeer(77))]), from: peer.id, now: .zero)
        // Nothing was learnt from the bad answer: no candidate is left.
        #expect(lookup.next(now: .zero) == .finished)
        #expect(lookup.result.closest.isEmpty)
    }

    @Test func neverQueriesItselfAndBoundsCandidates() {
        var lookup = KadLookup(kind: .findNode, key: [9], seeds: [seeds[0]], localPeer: local)
        guard case .query(let peer, _) = lookup.next(now: .zero) else { Issue.record("expected a query"); return }
        let flood = (1000..<1064).map { KadPeer(id: testPeer(UInt64($0))) } + [KadPeer(id: local)]
        lookup.received(KadMessage(type: .findNode, key: [9], closerPeers: Array(flood.prefix(64))), from: peer.id, now: .zero)
        var queried: Set<PeerID> = []
        while case .query(let next, _) = lookup.next(now: .zero) { queried.insert(next.id) }
        #expect(!queried.contains(local))
    }

    /// Prefers the value with the highest first byte.
    struct HighestFirstByte: RecordValidator {
        func validate(key: [UInt8], value: [UInt8]) throws(KadError) {
            guard !value.isEmpty else { throw .invalidRecord }
        }
        func select(key: [UInt8], values: [[UInt8]]) -> Int {
            values.indices.max { values[$0][0] < values[$1][0] } ?? 0
        }
    }

    @Test func getValueSelectsTheBestRecordAndNamesOutdatedPeers() {
        var configuration = KadConfiguration()
        configuration.valueQuorum = 3
        let key = Array("/test/v".utf8)
        var lookup = KadLookup(
            kind: .getValue, key: key, seeds: Array(seeds.prefix(4)), localPeer: local, validator: HighestFirstByte(),
            configuration: configuration
        )
        var asked: [PeerID] = []
        while case .query(let peer, let request) = lookup.next(now: .zero) {
            #expect(request == .getValue(key))
            asked.append(peer.id)
        }
        let values: [[UInt8]] = [[1], [3], [2]]
        for (peer, value) in zip(asked, values) {
            lookup.received(KadMessage(type: .getValue, key: key, record: KadRecord(key: key, value: value)), from: peer, now: .zero)
        }
        #expect(lookup.isFinished)
        #expect(lookup.result.record?.value == [3])
        #expect(lookup.result.recordHolders == [asked[1]])
        #expect(Set(lookup.result.outdatedPeers) == [asked[0], asked[2]])
    }

    @Test func getProvidersStopsAtQuorum() {
        var configuration = KadConfiguration()
        configuration.providerQuorum = 2
        var lookup = KadLookup(kind: .getProviders, key: [5], seeds: seeds, localPeer: local, configuration: configuration)
        guard case .query(let peer, _) = lookup.next(now: .zero) else { Issue.record("expected a query"); return }
        let providers = (200..<205).map { KadPeer(id: testPeer(UInt64($0)), addresses: [testAddress]) }
        lookup.received(KadMessage(type: .getProviders, key: [5], providerPeers: providers), from: peer.id, now: .zero)
        #expect(lookup.isFinished)
        #expect(lookup.result.providers == Array(providers.prefix(2)))
    }
}
