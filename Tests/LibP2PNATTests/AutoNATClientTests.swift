import LibP2PCore
import LibP2PNAT
import Testing

@Suite struct AutoNATClientTests {
    let reached = ma("/ip4/93.184.216.34/tcp/4001")
    let minute: Int64 = 60_000

    @Test func startsUnknownAndProbesAfterTheBootDelay() {
        let client = AutoNATClient(now: at(1000))
        #expect(client.reachability == .unknown)
        #expect(client.confidence == 0)
        #expect(client.nextProbe == at(16_000))
        #expect(client.nextDeadline == at(16_000))
    }

    @Test func flipsToPublicAfterEnoughDistinctServersAgree() {
        var client = AutoNATClient(now: .zero)
        for n in 1...3 {
            #expect(client.record(.ok(reached), from: testPeer(UInt8(n)), now: at(Int64(n))) == nil)
        }
        #expect(client.reachability == .unknown)
        // The same server again does not count twice.
        #expect(client.record(.ok(reached), from: testPeer(3), now: at(10)) == nil)
        #expect(client.record(.ok(reached), from: testPeer(4), now: at(11)) == .public(reached))
        #expect(client.confidence == 3)
        // Fully confident: the next probe is a refresh.
        #expect(client.nextProbe == at(11) + .seconds(900))
    }

    @Test func flipsToPrivateAndBack() {
        var client = AutoNATClient(now: .zero)
        for n in 1...4 { client.record(.failure(.dialError, "dial failed"), from: testPeer(UInt8(n)), now: at(Int64(n))) }
        #expect(client.reachability == .private)
        // One dissenting server lowers the confidence but does not flip the verdict.
        client.record(.ok(reached), from: testPeer(9), now: at(100))
        #expect(client.reachability == .private)
        #expect(client.confidence == 3)
        // Servers change their minds: public needs ≥ 4 OK votes, more than the errors.
        for n in 1...2 { client.record(.ok(reached), from: testPeer(UInt8(n)), now: at(200 + Int64(n))) }
        #expect(client.reachability == .private)  // 3 OK against 2 errors: not enough
        #expect(client.confidence == 0)
        #expect(client.record(.ok(reached), from: testPeer(3), now: at(300)) == .public(reached))
        #expect(client.confidence == 3)  // 4 OK against 1 error
    }

    @Test func serversChangingTheirMindsFlipTheVerdict() {
        var client = AutoNATClient(now: .zero)
        for n in 1...4 { client.record(.ok(reached), from: testPeer(UInt8(n)), now: at(Int64(n))) }
        #expect(client.reachability == .public(reached))
        for n in 1...3 {
            #expect(client.record(.failure(.dialError, ""), from: testPeer(UInt8(n)), now: at(10 + Int64(n))) == nil)
        }
        #expect(client.confidence == 0)  // 1 OK against 3 errors: still public, barely
        #expect(client.record(.failure(.dialError, ""), from: testPeer(4), now: at(20)) == .private)
    }

    @Test func refusalsAndFailuresDoNotVote() {
        var client = AutoNATClient(now: .zero)
        for n in 1...6 {
            client.record(.failure(.dialRefused, "too many dials"), from: testPeer(UInt8(n)), now: at(Int64(n)))
            client.record(.failure(.badRequest, "x"), from: testPeer(UInt8(n + 10)), now: at(Int64(n)))
            client.recordFailure(from: testPeer(UInt8(n + 20)), now: at(Int64(n)))
        }
        #expect(client.reachability == .unknown)
        #expect(client.activeVoteCount == 0)
        #expect(client.nextProbe == at(6) + .seconds(90))
    }

    @Test func agedAnswersDecayToUnknown() {
        var client = AutoNATClient(now: .zero)
        for n in 1...4 { client.record(.ok(reached), from: testPeer(UInt8(n)), now: at(Int64(n) * minute)) }
        #expect(client.reachability == .public(reached))
        #expect(client.nextDeadline == at(4 * minute) + .seconds(900))  // the refresh comes before any expiry
        #expect(client.tick(now: at(61 * minute)) == nil)
        #expect(client.activeVoteCount == 3)
        #expect(client.reachability == .public(reached))  // supported by fresh votes still
        #expect(client.confidence == 3)
        #expect(client.tick(now: at(63 * minute)) == nil)
        #expect(client.confidence == 1)
        #expect(client.tick(now: at(64 * minute)) == .unknown)
        #expect(client.confidence == 0)
        #expect(client.activeVoteCount == 0)
    }

    @Test func reportsTheAddressMostServersReached() {
        var client = AutoNATClient(now: .zero)
        let other = ma("/ip4/93.184.216.34/tcp/4002")
        client.record(.ok(other), from: testPeer(1), now: at(1))
        client.record(.ok(reached), from: testPeer(2), now: at(2))
        client.record(.ok(reached), from: testPeer(3), now: at(3))
        client.record(AutoNATDialResponse(status: .ok), from: testPeer(4), now: at(4))
        #expect(client.reachability == .public(reached))
    }

    @Test func schedulesProbesAndCoolsDownServers() {
        var client = AutoNATClient(now: .zero)
        client.probeStarted(now: at(15_000))
        #expect(client.nextProbe == at(45_000))
        #expect(client.isWorthAsking(testPeer(1), now: at(15_000)))
        client.record(.ok(reached), from: testPeer(1), now: at(16_000))
        #expect(client.nextProbe == at(106_000))  // still unknown: retry in 90 s
        #expect(!client.isWorthAsking(testPeer(1), now: at(16_000) + .seconds(599)))
        #expect(client.isWorthAsking(testPeer(1), now: at(16_000) + .seconds(600)))
        client.addressesChanged(now: at(20_000))
        #expect(client.nextProbe == at(20_000))
    }

    @Test func remembersABoundedNumberOfServers() {
        var client = AutoNATClient(now: .zero)
        for n in 1...200 { client.record(.ok(reached), from: testPeer(UInt8(n)), now: at(Int64(n))) }
        #expect(client.activeVoteCount == 16)
        #expect(client.reachability == .public(reached))
    }

    @Test func requestLeavesRelayedAddressesOut() {
        let client = AutoNATClient(now: .zero)
        let relayed = ma("/ip4/8.8.8.8/tcp/1/p2p/\(testPeer(5))/p2p-circuit")
        let request = client.dialRequest(for: testPeer(1), addresses: [reached, relayed])
        #expect(request == AutoNATDialRequest(peerID: testPeer(1), addresses: [reached]))
    }
}
