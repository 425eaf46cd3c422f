import LibP2PCore
import Testing

@testable import LibP2PMDNS

extension MDNSService {
    /// Alice's response with two addresses, as the tests' common fixture.
    static func fixtureResponse() throws -> [UInt8] {
        let alice = Peers.service("alice0000000000000000000000000000")
        return try #require(
            alice.responseMessage(
                ourPeer: Peers.alice,
                ourAddresses: [
                    Peers.address("/ip4/192.168.1.2/tcp/4001"), Peers.address("/ip6/fe80::1/udp/4001/quic-v1"),
                ]))
    }
}

@Suite struct MDNSServiceTests {
    let now = MDNSInstant(seconds: 1000)

    @Test func queryIsTheSpecQuery() {
        #expect(Peers.service().queryMessage() == DNSMessageTests.queryBytes)
    }

    @Test func responseHasTheSpecShape() throws {
        let service = Peers.service()
        let address = Peers.address("/ip4/192.168.1.2/tcp/4001")
        let bytes = try #require(
            service.respond(to: DNSMessageTests.queryBytes, ourPeer: Peers.us, ourAddresses: [address]))
        // Written by hand from RFC 1035 §4.1: header, PTR answer, TXT additional.
        let instance = "\(String(repeating: "q", count: 40))._p2p._udp.local"
        let txt = "dnsaddr=/ip4/192.168.1.2/tcp/4001/p2p/\(Peers.us)"
        let expected =
            Wire.header(flags: 0x8400, an: 1, ar: 1)
            + Wire.record(Wire.name("_p2p._udp.local"), type: 12, data: Wire.name(instance))
            + Wire.record(Wire.name(instance), type: 16, data: Wire.txt([txt]))
        #expect(bytes == expected)
    }

    @Test func answersOnlyQueriesForTheService() throws {
        let service = Peers.service()
        let addresses = [Peers.address("/ip4/10.0.0.1/tcp/1")]
        func answer(_ bytes: [UInt8]) -> Bool {
            service.respond(to: bytes, ourPeer: Peers.us, ourAddresses: addresses) != nil
        }
        let question = Wire.name("_p2p._udp.local")
        #expect(answer(Wire.header(flags: 0, qd: 1) + question + Wire.u16(12) + Wire.u16(0x8001)))  // QU bit
        #expect(answer(Wire.header(flags: 0, qd: 1) + question + Wire.u16(255) + Wire.u16(1)))  // ANY
        #expect(!answer(Wire.header(flags: 0, qd: 1) + question + Wire.u16(16) + Wire.u16(1)))  // TXT
        #expect(!answer(Wire.header(flags: 0, qd: 1) + Wire.name("_http._tcp.local") + Wire.u16(12) + Wire.u16(1)))
        #expect(!answer(Wire.header(flags: 0x8000, qd: 1) + question + Wire.u16(12) + Wire.u16(1)))  // a response
        #expect(!answer(Wire.header(flags: 0x0800, qd: 1) + question + Wire.u16(12) + Wire.u16(1)))  // opcode 1
        #expect(!answer([1, 2, 3]))
        #expect(service.respond(to: DNSMessageTests.queryBytes, ourPeer: Peers.us, ourAddresses: []) == nil)
    }

    @Test func suppressesKnownAnswers() throws {
        let service = Peers.service()
        let addresses = [Peers.address("/ip4/10.0.0.1/tcp/1")]
        let instance = Wire.name("\(String(repeating: "q", count: 40))._p2p._udp.local")
        func query(knownTTL: UInt32) -> [UInt8] {
            Wire.header(flags: 0, qd: 1, an: 1) + Wire.name("_p2p._udp.local") + Wire.u16(12) + Wire.u16(1)
                + Wire.record(Wire.name("_p2p._udp.local"), type: 12, ttl: knownTTL, data: instance)
        }
        #expect(service.respond(to: query(knownTTL: 60), ourPeer: Peers.us, ourAddresses: addresses) == nil)
        #expect(service.respond(to: query(knownTTL: 59), ourPeer: Peers.us, ourAddresses: addresses) != nil)
    }

    @Test func responseFitsTheSizeBudget() throws {
        let addresses = (0..<16).map { Peers.address("/ip4/10.0.0.\($0)/tcp/4001") }
        for budget in [300, 600, 1400, 9000] {
            let service = Peers.service(configuration: MDNSConfiguration(maxResponseSize: budget))
            let bytes = try #require(service.responseMessage(ourPeer: Peers.us, ourAddresses: addresses))
            #expect(bytes.count <= budget)
            let records = try DNSMessage.decode(bytes).additionals.count
            #expect(budget < 9000 ? records < 16 : records == 16)
        }
        let tiny = Peers.service(configuration: MDNSConfiguration(maxResponseSize: 100))
        #expect(tiny.responseMessage(ourPeer: Peers.us, ourAddresses: addresses) == nil)
    }

    @Test func advertisesOnlyOurBoundedAddresses() {
        let service = Peers.service(configuration: MDNSConfiguration(maxAdvertisedAddresses: 3))
        let strings = service.advertisedTXTStrings(
            ourPeer: Peers.us,
            ourAddresses: [
                Peers.address("/ip4/10.0.0.1/tcp/1/p2p/\(Peers.us)"),
                Peers.address("/ip4/10.0.0.1/tcp/1"),  // the same once /p2p is added
                Peers.address("/ip4/10.0.0.2/tcp/1/p2p/\(Peers.alice)"),  // someone else's
                Peers.address("/dns4/\(String(repeating: "h", count: 200)).local/tcp/1"),  // over 255 bytes
                Peers.address("/ip4/10.0.0.3/tcp/1"), Peers.address("/ip4/10.0.0.4/tcp/1"),
                Peers.address("/ip4/10.0.0.5/tcp/1"),
            ])
        #expect(
            strings.map { String(decoding: $0, as: UTF8.self) } == [
                "dnsaddr=/ip4/10.0.0.1/tcp/1/p2p/\(Peers.us)", "dnsaddr=/ip4/10.0.0.3/tcp/1/p2p/\(Peers.us)",
                "dnsaddr=/ip4/10.0.0.4/tcp/1/p2p/\(Peers.us)",
            ])
    }

    @Test func queryResponsePairDiscoversEachOther() throws {
        var alice = Peers.service("a" + String(repeating: "1", count: 40))
        var bob = Peers.service("b" + String(repeating: "2", count: 40))
        let query = alice.queryMessage()
        let relayed = Peers.address("/ip4/1.2.3.4/tcp/4001/p2p/\(Peers.us)/p2p-circuit")
        let response = try #require(
            bob.respond(
                to: query, ourPeer: Peers.bob, ourAddresses: [Peers.address("/ip4/10.0.0.2/tcp/4001"), relayed]))
        let found = alice.discovered(from: response, ourPeer: Peers.alice, now: now)
        #expect(
            found == [
                MDNSPeer(
                    peerID: Peers.bob, addresses: [Peers.address("/ip4/10.0.0.2/tcp/4001"), relayed],
                    expiresAt: MDNSInstant(seconds: 1120))
            ])
        #expect(alice.knownPeers[Peers.bob] == found.first)
        // Our own response, looped back by multicast, finds nothing; a query finds nothing.
        #expect(bob.discovered(from: response, ourPeer: Peers.bob, now: now).isEmpty)
        #expect(bob.discovered(from: query, ourPeer: Peers.bob, now: now).isEmpty)
        #expect(bob.knownPeers.isEmpty)
    }

    @Test func takesAddressesOfOnePeerPerName() {
        let instance = "x._p2p._udp.local"
        let bytes =
            Wire.header(flags: 0x8400, an: 1, ar: 3)
            + Wire.record(Wire.name("_p2p._udp.local"), type: 12, data: Wire.name(instance))
            + Wire.record(
                Wire.name(instance), type: 16,
                data: Wire.txt([
                    "dnsaddr=/ip4/10.0.0.1/tcp/1/p2p/\(Peers.alice)", "dnsaddr=/ip4/10.0.0.9/tcp/1/p2p/\(Peers.bob)",
                    "dnsaddr=/ip4/10.0.0.1/tcp/1",  // no /p2p
                    "dnsaddr=/nonsense/1", "other=1", "dnsaddrx=/ip4/10.0.0.1/tcp/1/p2p/\(Peers.alice)",
                ]))
            + Wire.record(
                Wire.name(instance), type: 16, ttl: 60,
                data: Wire.txt(["dnsaddr=/ip4/10.0.0.2/tcp/2/p2p/\(Peers.alice)"]))
            + Wire.record(
                Wire.name("y._p2p._udp.local"), type: 16,
                data: Wire.txt(["dnsaddr=/ip4/10.0.0.3/tcp/3/p2p/\(Peers.bob)"]))
        var service = Peers.service()
        let found = service.discovered(from: bytes, ourPeer: Peers.us, now: now)
        #expect(
            found == [
                MDNSPeer(
                    peerID: Peers.alice,
                    addresses: [Peers.address("/ip4/10.0.0.1/tcp/1"), Peers.address("/ip4/10.0.0.2/tcp/2")],
                    expiresAt: MDNSInstant(seconds: 1060)
                )
            ])
    }

    @Test func boundsPeersAndAddressesPerMessage() throws {
        var records: [[UInt8]] = []
        var additionals: [[UInt8]] = []
        for index in 0..<20 {
            let instance = "p\(index)._p2p._udp.local"
            records.append(Wire.record(Wire.name("_p2p._udp.local"), type: 12, data: Wire.name(instance)))
            let peer = Peers.peer(UInt8(10 + index))
            let strings = (0..<4).map { "dnsaddr=/ip4/10.0.\(index).\($0)/tcp/1/p2p/\(peer)" }
            additionals.append(Wire.record(Wire.name(instance), type: 16, data: Wire.txt(strings)))
        }
        let bytes = Wire.header(flags: 0x8400, an: 20, ar: 20) + records.flatMap { $0 } + additionals.flatMap { $0 }
        let configuration = MDNSConfiguration(maxPeersPerMessage: 16, maxAddressesPerPeer: 3, maxKnownPeers: 10)
        var service = Peers.service(configuration: configuration)
        let found = service.discovered(from: bytes, ourPeer: Peers.us, now: now)
        #expect(found.count == 16 && found.allSatisfy { $0.addresses.count == 3 })
        #expect(service.knownPeers.count == 10)
    }

    @Test func expiresPeersAndHonoursGoodbyes() throws {
        var service = Peers.service()
        let response = try MDNSService.fixtureResponse()
        _ = service.discovered(from: response, ourPeer: Peers.us, now: now)
        #expect(service.nextDeadline == MDNSInstant(seconds: 1120))
        #expect(service.expire(now: MDNSInstant(seconds: 1119)).isEmpty)
        #expect(service.expire(now: MDNSInstant(seconds: 1120)) == [Peers.alice])
        #expect(service.knownPeers.isEmpty)
        // A refresh moves the expiry; TTL 0 removes the peer at once.
        _ = service.discovered(from: response, ourPeer: Peers.us, now: now)
        var goodbye = try DNSMessage.decode(response)
        goodbye.answers[0].ttl = 0
        #expect(service.discovered(from: try goodbye.encode(), ourPeer: Peers.us, now: now).isEmpty)
        #expect(service.knownPeers.isEmpty)
    }

    @Test func fullTableReplacesTheEntryExpiringFirst() throws {
        var service = Peers.service(configuration: MDNSConfiguration(maxKnownPeers: 1))
        let first = try #require(
            Peers.service().responseMessage(ourPeer: Peers.alice, ourAddresses: [Peers.address("/ip4/10.0.0.1/tcp/1")]))
        let second = try #require(
            Peers.service().responseMessage(ourPeer: Peers.bob, ourAddresses: [Peers.address("/ip4/10.0.0.2/tcp/1")]))
        _ = service.discovered(from: first, ourPeer: Peers.us, now: now)
        _ = service.discovered(from: second, ourPeer: Peers.us, now: MDNSInstant(seconds: 1001))
        #expect(Array(service.knownPeers.keys) == [Peers.bob])
    }

    @Test func schedulesQueriesFastThenSlowWithJitter() {
        var service = Peers.service(configuration: MDNSConfiguration(maxQueryJitter: 0))
        var generator = SplitMix64(seed: 1)
        var sent: [Int64] = []
        for second in stride(from: Int64(0), through: 200, by: 1) {
            if service.pollQuery(now: MDNSInstant(seconds: second), using: &generator) != nil { sent.append(second) }
        }
        #expect(sent == [0, 10, 20, 80, 140, 200])
        service.resetQuerySchedule()
        #expect(service.pollQuery(now: MDNSInstant(seconds: 201), using: &generator) == service.queryMessage())
        var jittered = Peers.service()
        _ = jittered.pollQuery(now: .init(milliseconds: 0), using: &generator)
        let next = jittered.nextQueryAt!.milliseconds
        #expect((10_000...11_000).contains(next))
    }

    @Test func peerNamesAreRandomAlphanumericLabels() throws {
        var generator = SplitMix64(seed: 42)
        var lengths = Set<Int>()
        for _ in 0..<200 {
            let name = MDNSPeerName.random(using: &generator)
            lengths.insert(name.count)
            #expect((32...63).contains(name.count))
            #expect(name.allSatisfy { MDNSPeerName.alphabet.contains($0) })
        }
        #expect(lengths.count > 10)
        var again = SplitMix64(seed: 42)
        let service = try MDNSService(using: &again)
        #expect(service.instanceName.labels.count == 4)
    }
}
