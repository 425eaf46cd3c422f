import Foundation
@testable import LibP2P
import LibP2PCore
import LibP2PKad
import Testing

/// The Kademlia service against py-libp2p 0.8.1's KadDHT (server mode), both directions:
/// values put on one side are got on the other, and each side finds the other's peer
/// through a third node it shares with it.
///
/// The Python peer is `pyhost.py kad` (`Tests/Interop/kad_peer.py`), from the virtualenv of
/// `scripts/interop-venv.sh`; without it the suite is skipped. Keys are text under
/// `/variance/` (py-libp2p decodes keys as UTF-8 and validates by namespace; both sides use
/// first-write-wins there). py-libp2p quirks are listed in kad_peer.py and docs/PROTOCOL.md.
@Suite(
    .serialized, .timeLimit(.minutes(5)),
    .enabled(
        if: PyHost.isAvailable,
        "py-libp2p Kademlia interop skipped: \(PyHost.python.path) is missing; run scripts/interop-venv.sh"))
struct KademliaInteropTests {
    /// A running `pyhost.py kad`.
    private struct PythonKad {
        let host: PyHost
        let peer: PeerID
        /// The full address, with `/p2p`.
        let address: Multiaddr

        static func start() async throws -> PythonKad {
            let host = try PyHost(arguments: ["kad"])
            let line = try #require(await host.nextJSON(), "pyhost kad printed nothing; stderr:\n\(host.standardErrorTail)")
            let text = try #require((line["addrs"] as? [String])?.first, "no address in \(line)")
            let address = try Multiaddr(text)
            return PythonKad(host: host, peer: try #require(address.peerID), address: address)
        }

        /// Sends one command and returns its answer, failing the test if it is not ok.
        func run(_ command: String) async throws -> [String: Any] {
            host.send(command)
            let answer = try #require(
                await host.nextJSON(timeout: .seconds(90)), "no answer to \(command); stderr:\n\(host.standardErrorTail)")
            #expect(answer["ok"] as? Bool == true, "\(command): \(answer)\nstderr:\n\(host.standardErrorTail)")
            return answer
        }

        func connect(to node: KadTestNode) async throws {
            _ = try await run("connect \(node.address.appending(.p2p(node.peer)))")
        }
    }

    private static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    private static func text(_ key: [UInt8]) -> String { String(decoding: key, as: UTF8.self) }

    /// Swift puts, Python gets over the network (from Swift nodes only); Python puts, a
    /// fresh Swift node gets it over the network.
    @Test func valuesBothWays() async throws {
        let bootstrap = try await KadTestNode.make()
        let swift = try await KadTestNode.make()
        try await swift.kad.bootstrap(peers: [bootstrap.bootstrapEntry])

        // Swift → Python. Python joins after the put, so the value can only come from Swift.
        let swiftKey = kadTestKey("from-swift")
        let swiftValue = Array("put by Swift".utf8)
        #expect(try await swift.kad.putValue(key: swiftKey, value: swiftValue) >= 1)
        let python = try await PythonKad.start()
        defer { python.host.stop() }
        try await python.connect(to: bootstrap)
        let got = try await python.run("get \(Self.text(swiftKey))")
        #expect(got["value"] as? String == Self.hex(swiftValue), "\(got)")

        // Python → Swift. The bootstrap node must know Python (identify) before Python puts.
        #expect(await kadEventually { await bootstrap.kad.isInRoutingTable(python.peer) })
        let pythonKey = kadTestKey("from-python")
        let pythonValue: [UInt8] = Array("put by py-libp2p".utf8) + [0, 255]
        _ = try await python.run("put \(Self.text(pythonKey)) \(Self.hex(pythonValue))")
        #expect(await bootstrap.kad.storedValue(key: pythonKey) == pythonValue, "py-libp2p's PUT_VALUE was not stored")
        #expect(await swift.kad.storedValue(key: pythonKey) == pythonValue, "py-libp2p's PUT_VALUE was not stored")
        let getter = try await KadTestNode.make()
        try await getter.kad.bootstrap(peers: [bootstrap.bootstrapEntry])
        #expect(try await getter.kad.getValue(key: pythonKey) == pythonValue)

        for node in [getter, swift, bootstrap] { await node.close() }
    }

    /// Swift A and Python B both know only the Swift node C; A finds B's address through C
    /// (and dials it there), then B finds A's through C.
    @Test func peersFoundThroughAThirdNode() async throws {
        let third = try await KadTestNode.make()
        let python = try await PythonKad.start()
        defer { python.host.stop() }
        try await python.connect(to: third)
        #expect(await kadEventually { await third.kad.isInRoutingTable(python.peer) })

        let swift = try await KadTestNode.make()
        // Its own first table refresh (due at once once the table has a peer, whenever its
        // maintenance task first runs) would look up through `third` and dial Python.
        await swift.kad.deferRefresh()
        await swift.kad.addPeer(third.peer, addresses: [third.address])
        #expect(await !swift.swarm.isConnected(to: python.peer))
        let addresses = try await swift.kad.findPeer(python.peer)
        let pythonListen = try #require(python.address.removingTrailingPeerID)
        #expect(addresses.contains(pythonListen), "found \(addresses)")

        // Before any connection between them (else py-libp2p answers from its peerstore).
        #expect(await kadEventually { await third.kad.isInRoutingTable(swift.peer) })
        #expect(await !swift.swarm.isConnected(to: python.peer))
        let found = try await python.run("findpeer \(swift.peer)")
        #expect((found["addrs"] as? [String] ?? []).contains(swift.address.description), "\(found)")

        #expect(try await swift.swarm.dial(pythonListen.appending(.p2p(python.peer))) == python.peer)

        for node in [swift, third] { await node.close() }
    }

    /// Swift looks up through a Python bootstrap node: a Swift put is got by another Swift
    /// node that knows only the Python node, and a Python-announced provider is found.
    @Test func swiftNodesThroughAPythonBootstrap() async throws {
        let python = try await PythonKad.start()
        defer { python.host.stop() }
        let entry = (python.peer, try #require(python.address.removingTrailingPeerID))
        let putter = try await KadTestNode.make()
        try await putter.kad.bootstrap(peers: [entry])
        let key = kadTestKey("via-python")
        #expect(try await putter.kad.putValue(key: key, value: [1, 2, 3]) >= 1)
        let held = try await python.run("get \(Self.text(key))")
        #expect(held["value"] as? String == "010203", "\(held)")

        let getter = try await KadTestNode.make()
        try await getter.kad.bootstrap(peers: [entry])
        #expect(try await getter.kad.getValue(key: key) == [1, 2, 3])

        // Providers both ways: Python announces, Swift finds; Swift announces, Python finds.
        let pythonContent = kadMultihashKey("provided by python \(UInt64.random(in: 0...UInt64.max))")
        _ = try await python.run("provide \(Self.hex(pythonContent))")
        #expect(try await getter.kad.findProviders(key: pythonContent).contains { $0.id == python.peer })
        // A node that joins afterwards has no ADD_PROVIDER of its own: it asks (GET_PROVIDERS).
        let late = try await KadTestNode.make()
        try await late.kad.bootstrap(peers: [entry])
        let providers = try await late.kad.findProviders(key: pythonContent)
        #expect(providers.contains { $0.id == python.peer && !$0.addresses.isEmpty }, "\(providers.map(\.id))")
        let swiftContent = kadMultihashKey("provided by swift \(UInt64.random(in: 0...UInt64.max))")
        #expect(try await putter.kad.provide(key: swiftContent) >= 1)
        let answer = try await python.run("providers \(Self.hex(swiftContent))")
        let peers = (answer["providers"] as? [[String: Any]] ?? []).compactMap { $0["peer"] as? String }
        #expect(peers.contains(putter.peer.description), "\(answer)")

        for node in [late, getter, putter] { await node.close() }
    }
}

extension Kademlia {
    /// Counts the table refresh as done now, so the next is a whole ``KademliaConfiguration/refreshInterval``
    /// (5 minutes) away: a node that was never refreshed refreshes as soon as its table has a
    /// peer, which a test of who connects to whom must keep out of its way.
    func deferRefresh() { lastRefresh = Self.now() }
}
