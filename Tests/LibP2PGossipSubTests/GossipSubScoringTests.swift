import Foundation
import LibP2PCore
import LibP2PGossipSub
import Testing

@Suite struct GossipSubScoringTests {
    let topic = "variance/group/3"
    let now = GossipSubTime(seconds: 9_000)

    @Test func peerFloodingInvalidMessagesIsGraylisted() throws {
        var router = GossipSubRouter(identity: testIdentity(1), seed: 2, now: now)
        _ = router.subscribe(topic, now: now)
        var attacker = ScriptedPeer(seed: 3)
        var honest = ScriptedPeer(seed: 4)
        for peer in [attacker, honest] {
            _ = router.addPeer(peer.id, protocol: .meshsubV11, outbound: false, now: now)
            _ = try router.receive(ScriptedPeer.rpc(subscribe: [topic], graft: [topic]), from: peer.id, now: now)
        }
        #expect(router.meshPeers(topic).contains(attacker.id))
        var delivered = 0
        for index in 0..<5 {
            let good = attacker.message(Array("spam \(index)".utf8), topic: topic)
            var forged = good.wire
            forged.data = Data("forged \(index)".utf8)  // the signature no longer matches
            let actions = try router.receive(ScriptedPeer.rpc(messages: [PubSubMessage(wire: forged)]), from: attacker.id, now: now)
            delivered += deliveries(actions).count
        }
        #expect(delivered == 0)
        #expect(router.score(of: attacker.id, now: now) < GossipSubConfiguration().score.graylistThreshold)
        #expect(router.isGraylisted(attacker.id, now: now))
        // A graylisted peer's RPCs are ignored, valid or not.
        let valid = attacker.message(Array("now valid".utf8), topic: topic)
        #expect(try router.receive(ScriptedPeer.rpc(messages: [valid]), from: attacker.id, now: now).isEmpty)
        // It is pruned from the mesh at the next heartbeat; honest traffic still flows.
        _ = router.heartbeat(now: now + .seconds(1))
        #expect(!router.meshPeers(topic).contains(attacker.id))
        let fine = honest.message(Array("hello".utf8), topic: topic)
        #expect(deliveries(try router.receive(ScriptedPeer.rpc(messages: [fine]), from: honest.id, now: now + .seconds(1))) == [fine])
        #expect(router.score(of: honest.id, now: now + .seconds(1)) > 0, "P1 and P2 reward the honest peer")
        // Self-published messages skip peers under the publish threshold.
        let (_, actions) = try router.publish([9], to: topic, now: now + .seconds(1))
        #expect(sent(actions, to: attacker.id).isEmpty)
        #expect(!sent(actions, to: honest.id).isEmpty)
    }

    @Test func validatorRejectPenalisesAndIgnoreDoesNot() throws {
        let validator: MessageValidator = { message in
            switch message.data.first {
            case 0: .reject
            case 1: .ignore
            default: .accept
            }
        }
        var router = GossipSubRouter(identity: testIdentity(5), validator: validator, seed: 6, now: now)
        _ = router.subscribe(topic, now: now)
        var rejected = ScriptedPeer(seed: 7)
        var ignored = ScriptedPeer(seed: 8)
        for peer in [rejected, ignored] {
            _ = router.addPeer(peer.id, protocol: .meshsubV11, outbound: false, now: now)
            _ = try router.receive(ScriptedPeer.rpc(subscribe: [topic]), from: peer.id, now: now)
        }
        let bad = rejected.message([0, 1], topic: topic)
        let skip = ignored.message([1, 1], topic: topic)
        #expect(deliveries(try router.receive(ScriptedPeer.rpc(messages: [bad]), from: rejected.id, now: now)).isEmpty)
        #expect(deliveries(try router.receive(ScriptedPeer.rpc(messages: [skip]), from: ignored.id, now: now)).isEmpty)
        #expect(router.score(of: rejected.id, now: now) == -10)
        #expect(router.score(of: ignored.id, now: now) == 0)
        // Penalties decay at the heartbeat.
        _ = router.heartbeat(now: now + .seconds(1))
        #expect(router.score(of: rejected.id, now: now + .seconds(1)) > -10)
    }

    @Test func brokenIHavePromiseIsPenalised() throws {
        var router = GossipSubRouter(identity: testIdentity(9), seed: 10, now: now)
        _ = router.subscribe(topic, now: now)
        let liar = ScriptedPeer(seed: 11)
        _ = router.addPeer(liar.id, protocol: .meshsubV11, outbound: false, now: now)
        _ = try router.receive(ScriptedPeer.rpc(subscribe: [topic]), from: liar.id, now: now)
        let bogus = MessageID(Array(repeating: 0xAB, count: 20))
        let answer = try router.receive(
            ScriptedPeer.rpc(ihave: [PubSubRPC.IHave(topic: topic, ids: [bogus])]), from: liar.id, now: now
        )
        #expect(sent(answer, to: liar.id).flatMap(\.control.iwant) == [bogus])
        _ = router.heartbeat(now: now + .seconds(4))
        #expect(router.score(of: liar.id, now: now + .seconds(4)) < 0)
    }

    @Test func scoreIsRetainedAcrossReconnects() throws {
        var router = GossipSubRouter(identity: testIdentity(12), seed: 13, now: now)
        _ = router.subscribe(topic, now: now)
        var peer = ScriptedPeer(seed: 14)
        _ = router.addPeer(peer.id, protocol: .meshsubV11, outbound: false, now: now)
        _ = try router.receive(ScriptedPeer.rpc(subscribe: [topic]), from: peer.id, now: now)
        var forged = peer.message([5], topic: topic).wire
        forged.data = Data([6])
        _ = try router.receive(ScriptedPeer.rpc(messages: [PubSubMessage(wire: forged)]), from: peer.id, now: now)
        let bad = router.score(of: peer.id, now: now)
        #expect(bad < 0)
        router.removePeer(peer.id, now: now)
        _ = router.addPeer(peer.id, protocol: .meshsubV11, outbound: false, now: now)
        #expect(router.score(of: peer.id, now: now) == bad)
    }
}

@Suite struct MeshDeliveryScoringTests {
    @Test func silentMeshPeerIsPrunedOnceP3Activates() throws {
        let topic = "p3"
        var now = GossipSubTime(seconds: 10)
        var configuration = GossipSubConfiguration()
        var parameters = TopicScoreParameters()
        parameters.meshMessageDeliveriesWeight = -1
        parameters.meshMessageDeliveriesThreshold = 4
        parameters.meshMessageDeliveriesActivation = .seconds(5)
        parameters.timeInMeshWeight = 0
        configuration.score.topics[topic] = parameters
        var router = GossipSubRouter(identity: testIdentity(30), configuration: configuration, seed: 3, now: now)
        _ = router.subscribe(topic, now: now)
        let silent = ScriptedPeer(seed: 31)
        _ = router.addPeer(silent.id, protocol: .meshsubV11, outbound: false, now: now)
        _ = try router.receive(ScriptedPeer.rpc(subscribe: [topic], graft: [topic]), from: silent.id, now: now)
        #expect(router.meshPeers(topic).contains(silent.id))
        for _ in 0..<5 {
            now = now + .seconds(1)
            _ = router.heartbeat(now: now)
        }
        #expect(router.meshPeers(topic).contains(silent.id), "not penalised before activation")
        now = now + .seconds(1)
        #expect(router.score(of: silent.id, now: now) == -16)
        let actions = router.heartbeat(now: now)
        #expect(!router.meshPeers(topic).contains(silent.id))
        #expect(sent(actions, to: silent.id).flatMap(\.control.prune).map(\.topic) == [topic])
    }

    @Test func lowMedianMeshGraftsBetterPeersOpportunistically() throws {
        let topic = "og"
        var now = GossipSubTime(seconds: 10)
        var router = GossipSubRouter(identity: testIdentity(32), seed: 4, now: now)
        _ = router.subscribe(topic, now: now)
        let meshPeers = (33..<37).map { ScriptedPeer(seed: UInt64($0)) }
        var useful = ScriptedPeer(seed: 37)
        for peer in meshPeers {
            _ = router.addPeer(peer.id, protocol: .meshsubV11, outbound: false, now: now)
            _ = try router.receive(ScriptedPeer.rpc(subscribe: [topic], graft: [topic]), from: peer.id, now: now)
        }
        _ = router.addPeer(useful.id, protocol: .meshsubV11, outbound: false, now: now)
        _ = try router.receive(ScriptedPeer.rpc(subscribe: [topic]), from: useful.id, now: now)
        for _ in 1..<60 {
            now = now + .seconds(1)
            _ = router.heartbeat(now: now)
        }
        #expect(!router.meshPeers(topic).contains(useful.id))
        let messages = (0..<5).map { useful.message([UInt8($0)], topic: topic) }
        _ = try router.receive(ScriptedPeer.rpc(messages: messages), from: useful.id, now: now)
        now = now + .seconds(1)
        let actions = router.heartbeat(now: now)
        #expect(router.meshPeers(topic).contains(useful.id), "grafted on the 60th heartbeat")
        #expect(sent(actions, to: useful.id).flatMap(\.control.graft) == [topic])
    }
}
