import Foundation
import LibP2P
import LibP2PCore
import LibP2PGossipSub
import Testing

/// ``PubSub`` against py-libp2p 0.8.1's GossipSub in 3-node lines with both kinds of node in
/// the middle: Swift–Python–Swift (Swift dials) and Python–Swift–Python (Python dials).
/// Every node publishes, and every message reaches every other node exactly once.
///
/// The Python peer is `pyhost.py gossip` (`Tests/Interop/gossip_peer.py`), run from the
/// interop virtualenv; without it the suite is skipped. py-libp2p forwards at most 10
/// messages per second per topic and peer, so each node publishes 5 at 5 per second.
@Suite(
    .serialized, .timeLimit(.minutes(5)),
    .enabled(
        if: PyHost.isAvailable,
        "py-libp2p GossipSub interop skipped: \(PyHost.python.path) is missing; run scripts/interop-venv.sh"))
struct PubSubInteropTests {
    static let topic = "variance/interop/gossip"
    static let perNode = 5
    static let pause = Duration.milliseconds(200)

    /// A running `pyhost.py gossip`.
    private struct PythonGossip {
        let host: PyHost
        let peer: PeerID
        /// The full address, with `/p2p`.
        let address: Multiaddr

        static func start() async throws -> PythonGossip {
            let host = try PyHost(arguments: ["gossip"])
            let line = try #require(await host.nextJSON(), "pyhost gossip printed nothing; stderr:\n\(host.standardErrorTail)")
            let text = try #require((line["addrs"] as? [String])?.first, "no address in \(line)")
            let address = try Multiaddr(text)
            return PythonGossip(host: host, peer: try #require(address.peerID), address: address)
        }

        /// Sends one command and returns its answer, failing the test if it is not ok.
        @discardableResult
        func run(_ command: String) async throws -> [String: Any] {
            host.send(command)
            let answer = try #require(
                await host.nextJSON(timeout: .seconds(120)), "no answer to \(command); stderr:\n\(host.standardErrorTail)")
            #expect(answer["ok"] as? Bool == true, "\(command): \(answer)\nstderr:\n\(host.standardErrorTail)")
            return answer
        }

        /// Python's mesh in the topic, as peer ID texts.
        func mesh() async throws -> Set<String> {
            Set(try await run("mesh \(PubSubInteropTests.topic)")["mesh"] as? [String] ?? [])
        }

        /// The peers Python knows in the topic (their subscriptions), as peer ID texts.
        func topicPeers() async throws -> Set<String> {
            Set(try await run("mesh \(PubSubInteropTests.topic)")["peers"] as? [String] ?? [])
        }

        /// What Python received in the topic (its own messages included) once `count`
        /// arrived (or after 60 s): (author, text) pairs.
        func received(_ count: Int) async throws -> [Received] {
            let answer = try await run("received \(PubSubInteropTests.topic) \(count) 60")
            return (answer["messages"] as? [[String: String]] ?? []).map { Received(author: $0["from"] ?? "", text: $0["data"] ?? "") }
        }
    }

    struct Received: Hashable, Comparable {
        var author: String
        var text: String
        static func < (a: Received, b: Received) -> Bool { (a.author, a.text) < (b.author, b.text) }
    }

    private static func texts(_ prefix: String) -> [String] { (0..<perNode).map { "\(prefix) \($0)" } }

    private static func expected(_ publishers: [(PeerID, String)]) -> [Received] {
        publishers.flatMap { peer, prefix in texts(prefix).map { Received(author: peer.description, text: $0) } }.sorted()
    }

    private static func received(_ inbox: MessageInbox) async -> [Received] {
        await inbox.messages.map {
            Received(author: $0.author?.description ?? "?", text: String(decoding: $0.data, as: UTF8.self))
        }.sorted()
    }

    /// Publishes `perNode` messages "<prefix> <i>", paced for py-libp2p's rate limit.
    private static func publish(_ node: PubSubTestNode, _ prefix: String) async throws {
        for text in texts(prefix) {
            try await node.pubsub.publish(topic, Array(text.utf8))
            try await Task.sleep(for: pause)
        }
    }

    /// Swift A – Python B – Swift C, the Swift nodes dialling Python.
    @Test func swiftPythonSwift() async throws {
        let python = try await PythonGossip.start()
        defer { python.host.stop() }
        try await python.run("subscribe \(Self.topic)")
        let a = try await PubSubTestNode.make()
        let c = try await PubSubTestNode.make()
        let inboxA = await MessageInbox.reading(try await a.pubsub.subscribe(Self.topic))
        let inboxC = await MessageInbox.reading(try await c.pubsub.subscribe(Self.topic))
        #expect(try await a.swarm.dial(python.address) == python.peer)
        #expect(try await c.swarm.dial(python.address) == python.peer)

        let formed = await pubsubEventually(seconds: 60) {
            let left = await a.pubsub.meshPeers(Self.topic)
            let right = await c.pubsub.meshPeers(Self.topic)
            guard left == [python.peer], right == [python.peer] else { return false }
            return (try? await python.mesh()) == [a.peer.description, c.peer.description]
        }
        let meshes = (await a.pubsub.meshPeers(Self.topic), await c.pubsub.meshPeers(Self.topic))
        #expect(formed, "meshes: A \(meshes.0), C \(meshes.1)")
        // py-libp2p offers /meshsub/2.0.0 down to 1.0.0 and we serve 1.1.0 and 1.0.0: 1.1.0 it is
        // (our stream to it is checked here; its stream to us negotiates the same way).
        #expect(await a.pubsub.protocolID(of: python.peer) == GossipSubProtocol.meshsubV11.rawValue)

        try await Self.publish(a, "from A")
        try await python.run("publish \(Self.topic) \(Self.perNode) 200 from-python")
        try await Self.publish(c, "from C")

        let fromA = (a.peer, "from A")
        let fromC = (c.peer, "from C")
        let fromPython = (python.peer, "from-python")
        // py-libp2p hands its own messages to its own subscription too.
        let atPython = try await python.received(3 * Self.perNode).sorted()
        #expect(atPython == Self.expected([fromA, fromPython, fromC]))
        #expect(await pubsubEventually(seconds: 60) { await inboxA.messages.count >= 2 * Self.perNode })
        #expect(await pubsubEventually(seconds: 60) { await inboxC.messages.count >= 2 * Self.perNode })
        #expect(await Self.received(inboxA) == Self.expected([fromPython, fromC]))
        #expect(await Self.received(inboxC) == Self.expected([fromA, fromPython]))
        for node in [a, c] {
            let statistics = await node.pubsub.statistics
            #expect(statistics.invalidMessages == 0 && statistics.malformedRPCs == 0, "\(statistics)")
        }

        // Python vanishes (SIGKILL): both Swift nodes drop it from their meshes.
        python.host.vanish()
        for node in [a, c] {
            #expect(
                await pubsubEventually {
                    let pubsub = node.pubsub
                    let left = await pubsub.meshPeers(Self.topic) + pubsub.peers(Self.topic) + pubsub.attachedPeers
                    return left.isEmpty
                }, "py-libp2p is still in the mesh after it vanished")
        }
        for node in [a, c] { await node.close() }
    }

    /// Python P – Swift S – Python Q, the Python nodes dialling Swift; S forwards both ways.
    @Test func pythonSwiftPython() async throws {
        let s = try await PubSubTestNode.make()
        let inboxS = await MessageInbox.reading(try await s.pubsub.subscribe(Self.topic))
        let p = try await PythonGossip.start()
        defer { p.host.stop() }
        let q = try await PythonGossip.start()
        defer { q.host.stop() }
        for python in [p, q] {
            try await python.run("subscribe \(Self.topic)")
            let answer = try await python.run("connect \(s.fullAddress)")
            #expect(answer["pubsub"] as? Bool == true, "\(answer)")
        }

        let formed = await pubsubEventually(seconds: 60) {
            guard Set(await s.pubsub.meshPeers(Self.topic)) == [p.peer, q.peer] else { return false }
            let meshP = try? await p.mesh()
            let meshQ = try? await q.mesh()
            return meshP == [s.peer.description] && meshQ == [s.peer.description]
        }
        let mesh = await s.pubsub.meshPeers(Self.topic)
        #expect(formed, "S's mesh: \(mesh)")

        try await p.run("publish \(Self.topic) \(Self.perNode) 200 from-P")
        try await Self.publish(s, "from S")
        try await q.run("publish \(Self.topic) \(Self.perNode) 200 from-Q")

        let fromP = (p.peer, "from-P")
        let fromQ = (q.peer, "from-Q")
        let fromS = (s.peer, "from S")
        // py-libp2p hands its own messages to its own subscription too.
        let atP = try await p.received(3 * Self.perNode).sorted()
        let atQ = try await q.received(3 * Self.perNode).sorted()
        #expect(atP == Self.expected([fromP, fromS, fromQ]))
        #expect(atQ == Self.expected([fromP, fromS, fromQ]))
        #expect(await pubsubEventually(seconds: 60) { await inboxS.messages.count >= 2 * Self.perNode })
        #expect(await Self.received(inboxS) == Self.expected([fromP, fromQ]))
        let statistics = await s.pubsub.statistics
        #expect(statistics.invalidMessages == 0 && statistics.malformedRPCs == 0, "\(statistics)")

        // S leaves the topic: both Python nodes hear the unsubscription and prune S.
        await s.pubsub.unsubscribe(Self.topic)
        for python in [p, q] {
            #expect(
                await pubsubEventually {
                    let peers = (try? await python.topicPeers()) ?? [s.peer.description]
                    let mesh = (try? await python.mesh()) ?? [s.peer.description]
                    return !peers.contains(s.peer.description) && !mesh.contains(s.peer.description)
                }, "py-libp2p still counts S in the topic")
        }
        await s.close()
    }
}
