import LibP2PCore
import LibP2PGossipSub
import Testing

@Suite struct GossipSubMeshTests {
    let topic = "variance/group/1"

    @Test func meshFormsWithinBoundsAndSymmetric() {
        var network = TestNetwork(count: 20, seed: 3)
        network.connectRandomly(degree: 10, seed: 11)
        network.subscribeAll(topic)
        network.heartbeat(times: 5)
        let config = GossipSubConfiguration()
        for peer in network.order {
            let mesh = network.nodes[peer]!.meshPeers(topic)
            #expect(mesh.count >= config.dLow && mesh.count <= config.dHigh, "mesh of \(mesh.count)")
            for other in mesh {
                #expect(network.nodes[other]!.meshPeers(topic).contains(peer), "mesh links are symmetric")
            }
        }
    }

    @Test func overfullMeshIsPrunedToD() {
        var configuration = GossipSubConfiguration()
        configuration.dHigh = 8
        var network = TestNetwork(count: 16, configuration: configuration, seed: 5)
        // Everyone knows everyone: joining grafts D, GRAFTs received push meshes over D_hi.
        for a in 0..<16 { for b in (a + 1)..<16 { network.connect(a, b) } }
        network.subscribeAll(topic)
        network.heartbeat(times: 3)
        for peer in network.order {
            let mesh = network.nodes[peer]!.meshPeers(topic)
            #expect(mesh.count >= configuration.dLow && mesh.count <= configuration.dHigh)
        }
    }

    @Test func publishReachesAllTwentyNodesExactlyOnce() {
        for floodPublish in [false, true] {
            var configuration = GossipSubConfiguration()
            configuration.floodPublish = floodPublish
            var network = TestNetwork(count: 20, configuration: configuration, seed: 7)
            network.connectRandomly(degree: 8, seed: 13)
            network.subscribeAll(topic)
            network.heartbeat(times: 3)
            var ids: [MessageID] = []
            for (round, publisher) in [0, 7, 19, 3].enumerated() {
                ids.append(network.publish(Array("hello \(round)".utf8), topic: topic, from: publisher))
            }
            for (index, peer) in network.order.enumerated() {
                let got = network.delivered[peer]!
                for (round, id) in ids.enumerated() {
                    let expected = [0, 7, 19, 3][round] == index ? 0 : 1
                    #expect(got.filter { $0 == id }.count == expected, "node \(index), message \(round), flood \(floodPublish)")
                }
            }
        }
    }

    @Test func gossipRecoversAMessageANodeMissed() {
        var configuration = GossipSubConfiguration()
        configuration.floodPublish = false
        var network = TestNetwork(count: 10, configuration: configuration, seed: 9)
        for a in 0..<10 { for b in (a + 1)..<10 { network.connect(a, b) } }
        network.subscribeAll(topic)
        network.heartbeat(times: 2)
        let victim = network.order[9]
        // Every RPC carrying messages to the victim is lost while the message spreads.
        network.drop = { _, to, rpc in to == victim && !rpc.messages.isEmpty }
        let id = network.publish(Array("missed".utf8), topic: topic, from: 0)
        #expect(network.delivered[victim]!.isEmpty)
        #expect(network.order.dropLast().dropFirst().allSatisfy { network.delivered[$0]! == [id] })
        network.drop = { _, _, _ in false }
        network.heartbeat(times: 3)
        #expect(network.delivered[victim]! == [id])
        #expect(network.log.contains { $0.from == victim && $0.rpc.control.iwant.contains(id) }, "recovered through IWANT")
        #expect(network.log.contains { $0.to == victim && $0.rpc.control.ihave.contains { $0.ids.contains(id) } })
    }

    @Test func fanoutPublishingToAnUnjoinedTopicAndExpiry() {
        var configuration = GossipSubConfiguration()
        configuration.floodPublish = false
        var fresh = TestNetwork(count: 12, configuration: configuration, seed: 21)
        for a in 0..<12 { for b in (a + 1)..<12 { fresh.connect(a, b) } }
        for index in 1..<12 {
            let peer = fresh.order[index]
            fresh.handle(fresh.nodes[peer]!.subscribe(topic, now: fresh.now), at: peer)
        }
        fresh.settle()
        fresh.heartbeat()
        let id = fresh.publish(Array("from outside".utf8), topic: topic, from: 0)
        #expect(fresh[0].fanoutPeers(topic).count == configuration.d)
        #expect(fresh[0].meshPeers(topic).isEmpty)
        for peer in fresh.order.dropFirst() { #expect(fresh.delivered[peer]! == [id]) }
        fresh.heartbeat(times: 62)
        #expect(fresh[0].fanoutPeers(topic).isEmpty, "fanout expires after fanoutTTL")
    }

    @Test func leaveSendsPruneWithBackoffAndPeerExchange() {
        var network = TestNetwork(count: 8, seed: 31)
        for a in 0..<8 { for b in (a + 1)..<8 { network.connect(a, b) } }
        network.subscribeAll(topic)
        network.heartbeat()
        let leaver = network.order[0]
        let meshBefore = network[0].meshPeers(topic)
        #expect(!meshBefore.isEmpty)
        network.handle(network.nodes[leaver]!.unsubscribe(topic, now: network.now), at: leaver)
        network.settle()
        let prunes = network.log.filter { $0.from == leaver }.flatMap { $0.rpc.control.prune }
        #expect(prunes.count == meshBefore.count)
        #expect(prunes.allSatisfy { $0.backoffSeconds == 10 && !$0.peers.isEmpty })
        for peer in meshBefore { #expect(!network.nodes[peer]!.meshPeers(topic).contains(leaver)) }
        #expect(network.order.allSatisfy { !network.nodes[$0]!.peers(in: topic).contains(leaver) })
    }
}

@Suite struct GossipSubLossTests {
    @Test func everyMessageReachesEveryNodeDespiteLoss() {
        let topic = "lossy"
        var configuration = GossipSubConfiguration()
        configuration.floodPublish = false
        var network = TestNetwork(count: 40, configuration: configuration, seed: 17)
        network.connectRandomly(degree: 8, seed: 19)
        network.subscribeAll(topic)
        network.heartbeat(times: 3)
        // Lose one in ten RPCs that carry messages.
        var random = GossipSubRandom(seed: 23)
        var lost = 0
        network.drop = { _, _, rpc in
            guard !rpc.messages.isEmpty, random.next() % 10 == 0 else { return false }
            lost += 1
            return true
        }
        var ids: [MessageID] = []
        for round in 0..<10 {
            ids.append(network.publish(Array("round \(round)".utf8), topic: topic, from: round * 3))
            network.heartbeat()
        }
        network.heartbeat(times: 3)
        #expect(lost > 0)
        for (index, peer) in network.order.enumerated() {
            let got = network.delivered[peer]!
            #expect(Set(got).count == got.count, "no duplicates at node \(index)")
            let expected = ids.enumerated().filter { $0.offset * 3 != index }.map(\.element)
            #expect(Set(got) == Set(expected), "node \(index) got \(got.count) of \(expected.count)")
        }
    }
}
