import Crypto
import Foundation
import LibP2P
import LibP2PCore
import LibP2PGossipSub
import Logging
import Testing

/// ``PubSub`` on real swarms over loopback: three nodes in a line A–B–C (and a bystander D
/// on B), messages crossing the line once, unsubscribing, a peer leaving the mesh when it
/// disconnects, and invalid input from a hand-driven peer dropped and counted.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct PubSubTests {
    static let topic = "variance/test/line"
    /// A second topic: a message on it, sent after one on `topic` along the same path,
    /// proves that the first would have arrived if it had been sent.
    static let marker = "variance/test/marker"

    /// A line A–B–C subscribed to `topic` and `marker`, D on B subscribed to `marker` only,
    /// with every mesh formed.
    private struct Line {
        let a, b, c, d: PubSubTestNode
        let inboxes: [String: MessageInbox]

        static func make() async throws -> Line {
            let (a, b, c, d) = (
                try await PubSubTestNode.make(), try await PubSubTestNode.make(), try await PubSubTestNode.make(),
                try await PubSubTestNode.make()
            )
            var inboxes: [String: MessageInbox] = [:]
            for (name, node) in [("a", a), ("b", b), ("c", c)] {
                inboxes[name] = await MessageInbox.reading(try await node.pubsub.subscribe(PubSubTests.topic))
                inboxes[name + "-marker"] = await MessageInbox.reading(try await node.pubsub.subscribe(PubSubTests.marker))
            }
            inboxes["d-marker"] = await MessageInbox.reading(try await d.pubsub.subscribe(PubSubTests.marker))
            try await a.connect(to: b)
            try await c.connect(to: b)
            try await d.connect(to: b)
            let formed = await pubsubEventually {
                let middle = Set(await b.pubsub.meshPeers(PubSubTests.topic))
                let left = await a.pubsub.meshPeers(PubSubTests.topic)
                let right = await c.pubsub.meshPeers(PubSubTests.topic)
                let markers = Set(await b.pubsub.meshPeers(PubSubTests.marker))
                return middle == [a.peer, c.peer] && left == [b.peer] && right == [b.peer]
                    && markers == [a.peer, c.peer, d.peer]
            }
            #expect(formed, "the meshes did not form")
            return Line(a: a, b: b, c: c, d: d, inboxes: inboxes)
        }

        func close() async {
            for node in [a, b, c, d] { await node.close() }
        }
    }

    @Test func messageCrossesTheLineExactlyOnce() async throws {
        let line = try await Line.make()
        let (a, b, c, d) = (line.a, line.b, line.c, line.d)
        #expect(await b.pubsub.peers(Self.topic) == [a.peer, c.peer].sorted { $0.description < $1.description })

        try await a.pubsub.publish(Self.topic, Array("hello from A".utf8))
        try await a.pubsub.publish(Self.marker, Array("marker 1".utf8))
        let inboxC = try #require(line.inboxes["c"])
        let markerC = try #require(line.inboxes["c-marker"])
        let markerD = try #require(line.inboxes["d-marker"])
        #expect(await pubsubEventually { await markerC.contains("marker 1") })
        #expect(await pubsubEventually { await markerD.contains("marker 1") })
        #expect(await inboxC.texts == ["hello from A"])
        #expect(await line.inboxes["b"]?.texts == ["hello from A"])
        #expect(await line.inboxes["a"]?.texts == [], "a publisher does not get its own message")
        let message = try #require(await inboxC.messages.first)
        #expect(message.author == a.peer)
        #expect(message.seqno?.count == 8)
        #expect(message.verify(policy: .strictSign))

        // Both ways, several in a row: each arrives once, in order, at the far end.
        for i in 0..<20 { try await c.pubsub.publish(Self.topic, Array("from C \(i)".utf8)) }
        try await c.pubsub.publish(Self.marker, Array("marker 2".utf8))
        let inboxA = try #require(line.inboxes["a"])
        #expect(await pubsubEventually { await line.inboxes["a-marker"]!.contains("marker 2") })
        #expect(await pubsubEventually { await markerD.contains("marker 2") })
        #expect(await inboxA.texts == (0..<20).map { "from C \($0)" })
        #expect(await inboxC.texts == ["hello from A"])
        // D is not in the topic: B never sends it there, D never delivers it.
        #expect(await markerD.texts == ["marker 1", "marker 2"])
        #expect(await d.pubsub.statistics.deliveredMessages == 2)
        let topicPeers = await b.pubsub.peers(Self.topic)
        #expect(!topicPeers.contains(d.peer))
        let statistics = await c.pubsub.statistics
        #expect(statistics.invalidMessages == 0 && statistics.droppedRPCs == 0 && statistics.malformedRPCs == 0)
        await line.close()
    }

    @Test func unsubscribedNodeGetsNothing() async throws {
        let line = try await Line.make()
        let (a, b, c) = (line.a, line.b, line.c)
        await c.pubsub.unsubscribe(Self.topic)
        let inboxC = try #require(line.inboxes["c"])
        #expect(await pubsubEventually { await inboxC.finished }, "unsubscribe ends the stream")
        #expect(await pubsubEventually { await !b.pubsub.peers(Self.topic).contains(c.peer) })
        let mesh = await b.pubsub.meshPeers(Self.topic)
        #expect(!mesh.contains(c.peer))

        try await a.pubsub.publish(Self.topic, Array("after C left".utf8))
        try await a.pubsub.publish(Self.marker, Array("marker".utf8))
        #expect(await pubsubEventually { await line.inboxes["c-marker"]!.contains("marker") })
        #expect(await line.inboxes["b"]?.texts == ["after C left"])
        #expect(await inboxC.texts == [])
        #expect(await c.pubsub.statistics.deliveredMessages == 1, "only the marker")

        // Ending the last stream of a topic (the reader goes away) also leaves it.
        await line.inboxes["a"]?.cancel()
        #expect(await pubsubEventually { await !b.pubsub.peers(Self.topic).contains(a.peer) })
        #expect(await a.pubsub.topics == [Self.marker])
        await line.close()
    }

    @Test func disconnectedPeerLeavesTheMesh() async throws {
        let line = try await Line.make()
        let (b, c) = (line.b, line.c)
        await c.swarm.close()
        #expect(
            await pubsubEventually {
                let pubsub = b.pubsub
                let seen = await pubsub.meshPeers(Self.topic) + pubsub.peers(Self.topic) + pubsub.attachedPeers
                    + pubsub.meshPeers(Self.marker)
                return !seen.contains(c.peer)
            }, "C is still in B's mesh")
        #expect(await b.pubsub.meshPeers(Self.topic) == [line.a.peer])
        // The rest of the line still works.
        try await line.a.pubsub.publish(Self.topic, Array("still there".utf8))
        #expect(await pubsubEventually { await line.inboxes["b"]!.contains("still there") })
        await line.close()
    }

    /// Stopping the service says goodbye: the peers hear the unsubscriptions (and PRUNEs)
    /// while the connection stays up, and the stopped node's streams end.
    @Test func stoppedNodeLeavesItsTopics() async throws {
        let line = try await Line.make()
        let (b, c) = (line.b, line.c)
        await c.pubsub.stop()
        #expect(await pubsubEventually { await line.inboxes["c"]!.finished })
        #expect(
            await pubsubEventually {
                let seen = await b.pubsub.peers(Self.topic) + b.pubsub.meshPeers(Self.topic) + b.pubsub.peers(Self.marker)
                return !seen.contains(c.peer)
            }, "B still counts C in the topics")
        #expect(await c.swarm.isConnected(to: b.peer))
        await #expect(throws: PubSubError.notRunning) { try await c.pubsub.publish(Self.topic, [1]) }
        // C resets B's stream: B detaches C (it tries again a bounded number of times).
        #expect(await pubsubEventually { await !b.pubsub.attachedPeers.contains(c.peer) })
        await line.close()
    }

    /// A hand-driven peer (a plain swarm) writes RPCs to B: a forged message, one B's
    /// validator rejects and a frame over the size bound are dropped and counted; a good
    /// message is delivered.
    @Test func invalidInputIsDroppedAndCounted() async throws {
        let b = try await PubSubTestNode.make { configuration in
            configuration.validator = { $0.data == Array("spam".utf8) ? .reject : .accept }
        }
        let inbox = await MessageInbox.reading(try await b.pubsub.subscribe(Self.topic))
        let key = Curve25519.Signing.PrivateKey()
        // A swarm without PubSub that takes B's stream and reads nothing from it.
        let raw = Swarm(identity: key, logger: Logger(label: "raw-pubsub-peer"))
        await raw.handle(GossipSubProtocol.meshsubV11.rawValue) { stream in
            while (try? await stream.read()) != nil {}
        }
        _ = try await raw.dial(b.fullAddress)
        let stream = try await raw.newStream(to: b.peer, protocols: [GossipSubProtocol.meshsubV11.rawValue])

        var hello = PubSubRPC()
        hello.subscriptions = [.init(topic: Self.topic, subscribe: true)]
        var forged = PubSubMessage.signed(data: Array("genuine".utf8), topic: Self.topic, seqno: 1, identity: key).wire
        forged.data = Data("forged".utf8)
        hello.messages = [PubSubMessage(wire: forged)]
        try await stream.write(hello.framedBytes())
        #expect(await pubsubEventually { await b.pubsub.statistics.invalidMessages == 1 })

        var good = PubSubRPC()
        good.messages = [
            PubSubMessage.signed(data: Array("spam".utf8), topic: Self.topic, seqno: 2, identity: key),
            PubSubMessage.signed(data: Array("genuine".utf8), topic: Self.topic, seqno: 3, identity: key),
        ]
        try await stream.write(good.framedBytes())
        #expect(await pubsubEventually { await inbox.texts == ["genuine"] })
        #expect(await b.pubsub.statistics.invalidMessages == 2)

        // A frame announcing more than 1 MiB: refused from its length prefix, stream reset.
        try await stream.write(Varint.encode(UInt64(2 << 20)) + [0, 0, 0])
        #expect(await pubsubEventually { await b.pubsub.statistics.malformedRPCs == 1 })
        #expect(await inbox.texts == ["genuine"])
        await raw.close()
        await b.close()
    }
}

/// Our outbound stream is kept: a peer that resets it while staying connected gets a new one.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct PubSubStreamRecoveryTests {
    /// What the hand-driven peer saw on the pubsub streams B opened to it.
    actor StreamLog {
        private(set) var opened = 0
        private(set) var hellos: [PubSubRPC] = []
        func open() -> Int {
            opened += 1
            return opened
        }
        func hello(_ rpc: PubSubRPC) { hellos.append(rpc) }
    }

    @Test func resetOutboundStreamIsOpenedAgain() async throws {
        let b = try await PubSubTestNode.make { $0.reopenBackoff = .milliseconds(100) }
        let inbox = await MessageInbox.reading(try await b.pubsub.subscribe(PubSubTests.topic))
        let log = StreamLog()
        let raw = Swarm(identity: .init(), logger: Logger(label: "raw-pubsub-peer"))
        await raw.handle(GossipSubProtocol.meshsubV11.rawValue) { stream in
            // The first stream is reset at once; later ones are read.
            guard await log.open() > 1 else { return await stream.reset() }
            if let bytes = try? await stream.readLengthPrefixed(maxLength: 1 << 20), let rpc = try? PubSubRPC.decode(bytes) {
                await log.hello(rpc)
            }
            while (try? await stream.read()) != nil {}
        }
        _ = try await raw.dial(b.fullAddress)
        #expect(await pubsubEventually { await !log.hellos.isEmpty }, "B did not open a second stream")
        let hello = try #require(await log.hellos.first)
        #expect(hello.subscriptions == [.init(topic: PubSubTests.topic, subscribe: true)])
        #expect(await pubsubEventually { await b.pubsub.protocolID(of: raw.localPeer) == GossipSubProtocol.meshsubV11.rawValue })
        #expect(await log.opened == 2)
        _ = inbox
        await raw.close()
        await b.close()
    }
}
