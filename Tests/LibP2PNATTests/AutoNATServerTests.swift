import LibP2PCore
import LibP2PNAT
import Testing

@Suite struct AutoNATServerTests {
    let requester = testPeer(1)
    let observed = ma("/ip4/93.184.216.34/tcp/51234")

    private func decide(
        _ addresses: [Multiaddr], server: inout AutoNATServer, from peer: PeerID? = nil, claimed: PeerID? = nil,
        connection: Multiaddr? = nil, now: NATInstant = .zero
    ) -> AutoNATServer.Decision {
        let request = AutoNATDialRequest(peerID: claimed ?? peer ?? requester, addresses: addresses)
        return server.handle(
            requestBytes: request.serializedBytes(), from: peer ?? requester, connectionAddress: connection ?? observed, now: now
        )
    }

    @Test func dialsBackOnlyAddressesOnTheObservedIP() {
        var server = AutoNATServer()
        let decision = decide(
            [
                ma("/ip4/93.184.216.34/tcp/4001"),
                ma("/ip4/8.8.8.8/tcp/4001"),  // another host: never dialled (RFC 3489 12.1.1)
                ma("/ip4/93.184.216.34/udp/4001/quic-v1"),
                ma("/ip4/93.184.216.34/tcp/4001/p2p/\(requester)"),  // same as the first once /p2p is removed
                ma("/ip4/93.184.216.34/tcp/4002/p2p/\(testPeer(2))"),  // names someone else
                ma("/ip4/93.184.216.34/tcp/4003/p2p/\(testPeer(3))/p2p-circuit/p2p/\(requester)"),
                ma("/ip4/93.184.216.34/tcp/4004/ws"),  // transport not dialled back
                ma("/dns4/example.com/tcp/4001"),
                ma("/ip6/::ffff:93.184.216.34/tcp/4005"),  // IPv4-mapped: the same IP
            ],
            server: &server, now: at(1000)
        )
        guard case .dialBack(let plan) = decision else { Issue.record("expected a dial-back, got \(decision)"); return }
        #expect(plan.peer == requester)
        #expect(plan.addresses == [
            ma("/ip4/93.184.216.34/tcp/4001"), ma("/ip4/93.184.216.34/udp/4001/quic-v1"),
            ma("/ip6/::ffff:93.184.216.34/tcp/4005"),
        ])
        #expect(plan.deadline == at(16_000))
    }

    @Test func matchesIPv6ObservedAddresses() {
        var server = AutoNATServer()
        let decision = decide(
            [ma("/ip6/2606:4700::1/tcp/4001"), ma("/ip6/2606:4700::2/tcp/4001"), ma("/ip4/93.184.216.34/tcp/4001")],
            server: &server, connection: ma("/ip6/2606:4700:0:0:0:0:0:1/tcp/9")
        )
        guard case .dialBack(let plan) = decision else { Issue.record("no dial-back"); return }
        #expect(plan.addresses == [ma("/ip6/2606:4700::1/tcp/4001")])
    }

    @Test func capsTheNumberOfAddresses() {
        var configuration = AutoNATServerConfiguration()
        configuration.maxDialAddresses = 2
        var server = AutoNATServer(configuration: configuration)
        let addresses = (4001...4010).map { ma("/ip4/93.184.216.34/tcp/\($0)") }
        guard case .dialBack(let plan) = decide(addresses, server: &server) else { Issue.record("no dial-back"); return }
        #expect(plan.addresses == Array(addresses.prefix(2)))
    }

    @Test func refusesWhatTheSpecificationForbids() {
        var server = AutoNATServer()
        // The peer ID of the request must be the connection's.
        #expect(decide([ma("/ip4/93.184.216.34/tcp/1")], server: &server, claimed: testPeer(2))
            == .respond(.failure(.badRequest, "peer ID does not match the connection")))
        // No request over a relayed connection.
        let relayed = ma("/ip4/8.8.4.4/tcp/1/p2p/\(testPeer(5))/p2p-circuit")
        #expect(decide([ma("/ip4/8.8.4.4/tcp/1")], server: &server, connection: relayed)
            == .respond(.failure(.dialRefused, "dial requests over relayed connections are refused")))
        // Nothing on the observed IP.
        #expect(decide([ma("/ip4/8.8.8.8/tcp/1")], server: &server)
            == .respond(.failure(.dialRefused, "no dialable addresses")))
        // A private or loopback requester is not dialled back by default.
        #expect(decide([ma("/ip4/127.0.0.1/tcp/1")], server: &server, connection: ma("/ip4/127.0.0.1/tcp/5"))
            == .respond(.failure(.dialRefused, "observed address is not dialable")))
        #expect(decide([ma("/ip4/10.0.0.2/tcp/1")], server: &server, connection: ma("/ip4/10.0.0.2/tcp/5"))
            == .respond(.failure(.dialRefused, "observed address is not dialable")))
    }

    @Test func answersBadRequestToUndecodableInput() {
        var server = AutoNATServer()
        #expect(server.handle(requestBytes: [0xFF, 0xFF], from: requester, connectionAddress: observed, now: .zero)
            == .respond(.failure(.badRequest, "malformed request")))
        let response = AutoNATDialResponse.ok(ma("/ip4/1.2.3.4/tcp/1")).serializedBytes()
        #expect(server.handle(requestBytes: response, from: requester, connectionAddress: observed, now: .zero)
            == .respond(.failure(.badRequest, "expected a DIAL message")))
    }

    @Test func loopbackIsAllowedByConfiguration() {
        var configuration = AutoNATServerConfiguration()
        configuration.addressPolicy = .includingLoopback
        var server = AutoNATServer(configuration: configuration)
        let decision = decide(
            [ma("/ip4/127.0.0.1/tcp/4001"), ma("/ip4/10.0.0.1/tcp/4001")], server: &server,
            connection: ma("/ip4/127.0.0.1/tcp/5")
        )
        guard case .dialBack(let plan) = decision else { Issue.record("no dial-back"); return }
        #expect(plan.addresses == [ma("/ip4/127.0.0.1/tcp/4001")])
    }

    @Test func limitsRequestsPerPeerOverAWindow() {
        var server = AutoNATServer()
        let address = [ma("/ip4/93.184.216.34/tcp/4001")]
        for second in 0..<3 {
            guard case .dialBack = decide(address, server: &server, now: at(Int64(second) * 1000)) else {
                Issue.record("request \(second) refused"); return
            }
        }
        #expect(decide(address, server: &server, now: at(10_000)) == .respond(.failure(.dialRefused, "too many dials")))
        // Another peer is not affected.
        let other = testPeer(2)
        guard case .dialBack = decide(address, server: &server, from: other, now: at(10_000)) else {
            Issue.record("other peer refused"); return
        }
        // The first request leaves the 60 s window at 60 s.
        #expect(decide(address, server: &server, now: at(59_999)) == .respond(.failure(.dialRefused, "too many dials")))
        guard case .dialBack = decide(address, server: &server, now: at(60_000)) else {
            Issue.record("still refused after the window"); return
        }
    }

    @Test func limitsRequestsGloballyOverAWindow() {
        var configuration = AutoNATServerConfiguration()
        configuration.maxRequestsGlobal = 5
        var server = AutoNATServer(configuration: configuration)
        let address = [ma("/ip4/93.184.216.34/tcp/4001")]
        for n in 1...5 {
            guard case .dialBack = decide(address, server: &server, from: testPeer(UInt8(n)), now: at(Int64(n))) else {
                Issue.record("request \(n) refused"); return
            }
        }
        #expect(decide(address, server: &server, from: testPeer(9), now: at(100))
            == .respond(.failure(.dialRefused, "too many dials")))
        guard case .dialBack = decide(address, server: &server, from: testPeer(9), now: at(60_001)) else {
            Issue.record("refused after the window"); return
        }
    }

    @Test func refusedRequestsDoNotUseTheBudget() {
        var server = AutoNATServer()
        for n in 0..<10 { _ = decide([ma("/ip4/8.8.8.8/tcp/1")], server: &server, now: at(Int64(n))) }
        guard case .dialBack = decide([ma("/ip4/93.184.216.34/tcp/1")], server: &server, now: at(20)) else {
            Issue.record("refused"); return
        }
    }

    @Test func rateLimiterCountsWithinTheWindow() {
        var limiter = AutoNATRateLimiter(window: .seconds(10), perPeer: 2, global: 3)
        #expect(limiter.admit(requester, now: at(0)) == nil)
        #expect(limiter.admit(requester, now: at(1)) == nil)
        #expect(limiter.admit(requester, now: at(2)) == .peerLimit)
        #expect(limiter.admit(testPeer(2), now: at(3)) == nil)
        #expect(limiter.admit(testPeer(3), now: at(4)) == .globalLimit)
        #expect(limiter.recordedCount(now: at(4)) == 3)
        #expect(limiter.admit(testPeer(3), now: at(10_000)) == nil)
        #expect(limiter.recordedCount(now: at(10_000)) == 3)
    }

    @Test func buildsTheResponseFromTheOutcome() {
        let plan = AutoNATDialBack(peer: requester, addresses: [ma("/ip4/93.184.216.34/tcp/4001")], deadline: .zero)
        #expect(plan.response(for: .connected(ma("/ip4/93.184.216.34/tcp/4001"))) == .ok(ma("/ip4/93.184.216.34/tcp/4001")))
        #expect(plan.response(for: .failed) == .failure(.dialError, "dial failed"))
        #expect(plan.response(for: .internalError).status == .internalError)
        #expect(plan.response(for: .connected(ma("/ip4/8.8.8.8/tcp/1"))).status == .internalError)
    }
}
