import Crypto
import LibP2PCore
import LibP2PGossipSub
import Testing

/// One router facing hand-driven peers that send crafted RPC bytes.
@Suite struct GossipSubRouterTests {
    let topic = "variance/group/2"
    var now = GossipSubTime(seconds: 5_000)

    func router(_ configuration: GossipSubConfiguration = GossipSubConfiguration(), validator: MessageValidator? = nil) -> GossipSubRouter {
        var router = GossipSubRouter(identity: testIdentity(77), configuration: configuration, validator: validator, seed: 1, now: now)
        _ = router.subscribe(topic, now: now)
        return router
    }

    /// Adds a scripted peer that announces the topic.
    func join(_ peer: ScriptedPeer, to router: inout GossipSubRouter, protocol protocolID: GossipSubProtocol = .meshsubV11) throws {
        _ = router.addPeer(peer.id, protocol: protocolID, outbound: false, now: now)
        _ = try router.receive(ScriptedPeer.rpc(subscribe: [topic]), from: peer.id, now: now)
    }

    @Test func helloAnnouncesOurTopics() {
        var router = router()
        let peer = ScriptedPeer(seed: 1)
        let actions = router.addPeer(peer.id, protocol: .meshsubV11, outbound: true, now: now)
        #expect(sent(actions, to: peer.id).first?.subscriptions == [PubSubRPC.Subscription(topic: topic, subscribe: true)])
    }

    @Test func pruneBackoffIsRespectedAndRegraftingIsPenalised() throws {
        var router = router()
        let peer = ScriptedPeer(seed: 2)
        try join(peer, to: &router)
        var clock = now + .seconds(1)
        #expect(sent(router.heartbeat(now: clock), to: peer.id).contains { $0.control.graft == [topic] })
        #expect(router.meshPeers(topic).contains(peer.id))

        // The peer prunes us with a 30 s backoff.
        _ = try router.receive(ScriptedPeer.rpc(prune: [PubSubRPC.Prune(topic: topic, backoffSeconds: 30)]), from: peer.id, now: clock)
        #expect(!router.meshPeers(topic).contains(peer.id))
        for second in 2...30 {
            clock = now + .seconds(Int64(second))
            let grafts = sent(router.heartbeat(now: clock), to: peer.id).flatMap(\.control.graft)
            #expect(grafts.isEmpty, "no GRAFT during backoff (second \(second))")
        }
        // Past the backoff plus one heartbeat of slack, the mesh (below D_lo) takes it again.
        clock = now + .seconds(33)
        #expect(sent(router.heartbeat(now: clock), to: peer.id).contains { $0.control.graft == [topic] })
        #expect(router.meshPeers(topic).contains(peer.id))
    }

    @Test func graftDuringBackoffIsPrunedAndPenalised() throws {
        var router = router()
        let peer = ScriptedPeer(seed: 3)
        try join(peer, to: &router)
        _ = try router.receive(ScriptedPeer.rpc(graft: [topic]), from: peer.id, now: now)
        #expect(router.meshPeers(topic).contains(peer.id))
        _ = try router.receive(ScriptedPeer.rpc(prune: [PubSubRPC.Prune(topic: topic, backoffSeconds: 60)]), from: peer.id, now: now)
        let before = router.score(of: peer.id, now: now)
        let answer = try router.receive(ScriptedPeer.rpc(graft: [topic]), from: peer.id, now: now + .seconds(5))
        let prunes = sent(answer, to: peer.id).flatMap(\.control.prune)
        #expect(prunes.count == 1 && prunes[0].topic == topic && prunes[0].backoffSeconds == 60)
        #expect(!router.meshPeers(topic).contains(peer.id))
        #expect(router.score(of: peer.id, now: now + .seconds(5)) < before, "P7 behaviour penalty")
    }

    @Test func graftForAnUnjoinedTopicIsIgnored() throws {
        var router = router()
        let peer = ScriptedPeer(seed: 4)
        try join(peer, to: &router)
        let answer = try router.receive(ScriptedPeer.rpc(graft: ["not-joined"]), from: peer.id, now: now)
        #expect(answer.isEmpty)
    }

    @Test func pruneFromAWellScoredPeerOffersPeerExchange() throws {
        var configuration = GossipSubConfiguration()
        configuration.score.acceptPXThreshold = 0
        var router = router(configuration)
        let peer = ScriptedPeer(seed: 5)
        try join(peer, to: &router)
        _ = try router.receive(ScriptedPeer.rpc(graft: [topic]), from: peer.id, now: now)
        let offered = ScriptedPeer(seed: 6).id
        let prune = PubSubRPC.Prune(topic: topic, peers: [PubSubRPC.PeerExchangeEntry(peer: offered)], backoffSeconds: 60)
        let actions = try router.receive(ScriptedPeer.rpc(prune: [prune]), from: peer.id, now: now)
        #expect(actions.contains(.peerExchange(topic: topic, peers: [PubSubRPC.PeerExchangeEntry(peer: offered)], from: peer.id)))
    }

    @Test func duplicatesAreDeliveredOnce() throws {
        var router = router()
        let first = ScriptedPeer(seed: 7)
        let second = ScriptedPeer(seed: 8)
        var author = ScriptedPeer(seed: 9)
        try join(first, to: &router)
        try join(second, to: &router)
        let message = author.message(Array("once".utf8), topic: topic)
        let a = try router.receive(ScriptedPeer.rpc(messages: [message]), from: first.id, now: now)
        let b = try router.receive(ScriptedPeer.rpc(messages: [message, message]), from: second.id, now: now)
        #expect(deliveries(a) == [message])
        #expect(deliveries(b).isEmpty)
        // Our own message coming back is not delivered either.
        let (_, published) = try router.publish(Array("mine".utf8), to: topic, now: now)
        let echoed = sent(published, to: first.id).flatMap(\.messages)
        #expect(echoed.count == 1)
        #expect(deliveries(try router.receive(ScriptedPeer.rpc(messages: echoed), from: first.id, now: now)).isEmpty)
    }

    @Test func forwardedToTheMeshButNotBackToTheSender() throws {
        var router = router()
        let peers = (10..<14).map { ScriptedPeer(seed: UInt64($0)) }
        for peer in peers {
            try join(peer, to: &router)
            _ = try router.receive(ScriptedPeer.rpc(graft: [topic]), from: peer.id, now: now)
        }
        var author = ScriptedPeer(seed: 20)
        let message = author.message(Array("fwd".utf8), topic: topic)
        let actions = try router.receive(ScriptedPeer.rpc(messages: [message]), from: peers[0].id, now: now)
        #expect(sent(actions, to: peers[0].id).isEmpty)
        for peer in peers.dropFirst() { #expect(sent(actions, to: peer.id).flatMap(\.messages) == [message]) }
    }

    @Test func floodsubPeersGetMessagesButNoControl() throws {
        var router = router()
        let flood = ScriptedPeer(seed: 21)
        try join(flood, to: &router, protocol: .floodsub)
        #expect(sent(router.heartbeat(now: now + .seconds(1)), to: flood.id).allSatisfy { $0.control.isEmpty })
        #expect(!router.meshPeers(topic).contains(flood.id))
        let (_, actions) = try router.publish([1, 2, 3], to: topic, now: now)
        #expect(sent(actions, to: flood.id).flatMap(\.messages).count == 1)
    }

    @Test func strictNoSignRefusesSignedMessagesAndAcceptsAnonymousOnes() throws {
        var configuration = GossipSubConfiguration()
        configuration.signaturePolicy = .strictNoSign
        var router = router(configuration)
        let peer = ScriptedPeer(seed: 22)
        try join(peer, to: &router)
        var author = ScriptedPeer(seed: 23)
        let signed = author.message([1], topic: topic)
        let anonymous = PubSubMessage.unsigned(data: [2], topic: topic)
        let actions = try router.receive(ScriptedPeer.rpc(messages: [signed, anonymous]), from: peer.id, now: now)
        #expect(deliveries(actions) == [anonymous])
        let (_, published) = try router.publish([3], to: topic, now: now)
        let out = sent(published, to: peer.id).flatMap(\.messages)
        #expect(out.count == 1 && out[0].authorBytes == nil && out[0].wire.hasSignature == false)
    }

    @Test func deferredValidationWaitsForTheVerdict() throws {
        var configuration = GossipSubConfiguration()
        configuration.deferredValidation = true
        var router = router(configuration)
        let source = ScriptedPeer(seed: 40)
        let meshPeer = ScriptedPeer(seed: 41)
        for peer in [source, meshPeer] {
            try join(peer, to: &router)
            _ = try router.receive(ScriptedPeer.rpc(graft: [topic]), from: peer.id, now: now)
        }
        var author = ScriptedPeer(seed: 42)
        let good = author.message([1], topic: topic)
        let bad = author.message([2], topic: topic)
        let actions = try router.receive(ScriptedPeer.rpc(messages: [good, bad]), from: source.id, now: now)
        let asked = actions.compactMap { action -> MessageID? in
            guard case .validate(_, let id, let from) = action, from == source.id else { return nil }
            return id
        }
        #expect(asked == [router.messageID(of: good), router.messageID(of: bad)])
        #expect(deliveries(actions).isEmpty && sent(actions, to: meshPeer.id).isEmpty)
        let accepted = router.reportValidation(asked[0], result: .accept, now: now)
        #expect(deliveries(accepted) == [good])
        #expect(sent(accepted, to: meshPeer.id).flatMap(\.messages) == [good])
        #expect(router.reportValidation(asked[0], result: .accept, now: now).isEmpty, "reported once")
        let rejected = router.reportValidation(asked[1], result: .reject, now: now)
        #expect(deliveries(rejected).isEmpty)
        #expect(router.score(of: source.id, now: now) < 0)
    }

    @Test func v10PeersGetPlainPrunes() throws {
        var router = router()
        let old = ScriptedPeer(seed: 43)
        try join(old, to: &router, protocol: .meshsubV10)
        _ = try router.receive(ScriptedPeer.rpc(graft: [topic]), from: old.id, now: now)
        #expect(router.meshPeers(topic).contains(old.id))
        let prunes = sent(router.unsubscribe(topic, now: now), to: old.id).flatMap(\.control.prune)
        #expect(prunes == [PubSubRPC.Prune(topic: topic)])
    }

    @Test func nonsenseConfigurationDoesNotTrap() throws {
        var configuration = GossipSubConfiguration()
        configuration.d = 2
        configuration.dLow = 9
        configuration.dHigh = -1
        configuration.dOut = 7
        configuration.dScore = -3
        configuration.maxIHaveLength = -5
        configuration.gossipFactor = .nan
        configuration.historyLength = 0
        var router = router(configuration)
        for seed in 50..<60 {
            let peer = ScriptedPeer(seed: UInt64(seed))
            try join(peer, to: &router)
            _ = try router.receive(ScriptedPeer.rpc(graft: [topic]), from: peer.id, now: now)
        }
        _ = try router.publish([1], to: topic, now: now)
        for second in 1...3 { _ = router.heartbeat(now: now + .seconds(Int64(second))) }
        #expect(router.meshPeers(topic).count == 2)
    }

    @Test func directPeersGetEverythingButNeverJoinTheMesh() throws {
        let direct = ScriptedPeer(seed: 60)
        var configuration = GossipSubConfiguration()
        configuration.directPeers = [direct.id]
        configuration.floodPublish = false
        var router = router(configuration)
        try join(direct, to: &router)
        let graft = try router.receive(ScriptedPeer.rpc(graft: [topic]), from: direct.id, now: now)
        #expect(sent(graft, to: direct.id).flatMap(\.control.prune) == [PubSubRPC.Prune(topic: topic)])
        #expect(!router.meshPeers(topic).contains(direct.id))
        #expect(sent(router.heartbeat(now: now + .seconds(1)), to: direct.id).flatMap(\.control.graft).isEmpty)
        let (_, published) = try router.publish([1], to: topic, now: now + .seconds(1))
        #expect(sent(published, to: direct.id).flatMap(\.messages).count == 1)
        let relay = ScriptedPeer(seed: 61)
        var author = ScriptedPeer(seed: 62)
        try join(relay, to: &router)
        let forwarded = try router.receive(ScriptedPeer.rpc(messages: [author.message([2], topic: topic)]), from: relay.id, now: now + .seconds(1))
        #expect(sent(forwarded, to: direct.id).flatMap(\.messages).count == 1)
    }
}
