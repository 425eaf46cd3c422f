import Crypto
@testable import LibP2P
import LibP2PCore
import LibP2PKad
import Testing

/// The Kademlia service on real swarms over loopback (TCP, Noise, yamux): several nodes, each
/// knowing only a bootstrap node at first. Waits are on conditions with generous bounds;
/// nothing asserts on timing.
@Suite(.serialized, .timeLimit(.minutes(3))) struct KademliaTests {
    /// A bootstrap node and `count` servers that bootstrapped from it, one after the other;
    /// returns once the bootstrap node has every one of them in its routing table.
    private func network(servers count: Int) async throws -> (bootstrap: KadTestNode, servers: [KadTestNode]) {
        let bootstrap = try await KadTestNode.make()
        var servers: [KadTestNode] = []
        for _ in 0..<count {
            let node = try await KadTestNode.make()
            try await node.kad.bootstrap(peers: [bootstrap.bootstrapEntry])
            servers.append(node)
        }
        let all = servers.map(\.peer)
        #expect(
            await kadEventually {
                for peer in all {
                    if await !bootstrap.kad.isInRoutingTable(peer) { return false }
                }
                return true
            },
            "the bootstrap node did not learn every server from identify")
        return (bootstrap, servers)
    }

    /// A value put by one node is got by another that knew only the bootstrap node; a key
    /// nobody put is not found; a key of an unknown namespace is refused.
    @Test func valuePutByOneIsGotByAnother() async throws {
        let (bootstrap, servers) = try await network(servers: 3)
        let key = kadTestKey("value")
        let value = Array("hello from the DHT".utf8)
        let stored = try await servers[0].kad.putValue(key: key, value: value)
        #expect(stored >= 2, "stored at \(stored) peers")

        let getter = try await KadTestNode.make()
        try await getter.kad.bootstrap(peers: [bootstrap.bootstrapEntry])
        #expect(try await getter.kad.getValue(key: key) == value)
        #expect(try await getter.kad.getValue(key: kadTestKey("absent")) == nil)
        await #expect(throws: KademliaError.refused(.invalidRecord)) {
            try await getter.kad.putValue(key: Array("/other/key".utf8), value: [1])
        }
        for node in [getter, bootstrap] + servers { await node.close() }
    }

    /// A node that knows only the bootstrap node finds another node's address through it,
    /// without having been connected to that node, and can dial it there.
    @Test func findPeerThroughAThirdNode() async throws {
        let (bootstrap, servers) = try await network(servers: 1)
        let target = servers[0]
        let finder = try await KadTestNode.make()
        await finder.kad.addPeer(bootstrap.peer, addresses: [bootstrap.address])
        #expect(await !finder.swarm.isConnected(to: target.peer))

        let addresses = try await finder.kad.findPeer(target.peer)
        #expect(addresses.contains(target.address), "found \(addresses), listening on \(target.address)")
        let address = try #require(addresses.first)
        #expect(try await finder.swarm.dial(address.appending(.p2p(target.peer))) == target.peer)
        #expect(try await finder.kad.findPeer(PeerID(ed25519PublicKey: Array(repeating: 7, count: 32))).isEmpty)
        for node in [finder, bootstrap] + servers { await node.close() }
    }

    /// A provider announced by one node is found by another, with an address to reach it.
    @Test func providersAreFound() async throws {
        let (bootstrap, servers) = try await network(servers: 2)
        let key = kadMultihashKey("variance provider test \(UInt64.random(in: 0...UInt64.max))")
        let told = try await servers[0].kad.provide(key: key)
        #expect(told >= 2, "announced to \(told) peers")

        let seeker = try await KadTestNode.make()
        try await seeker.kad.bootstrap(peers: [bootstrap.bootstrapEntry])
        let providers = try await seeker.kad.findProviders(key: key)
        let provider = try #require(providers.first { $0.id == servers[0].peer }, "providers: \(providers.map(\.id))")
        #expect(provider.addresses.contains(servers[0].address))
        #expect(try await seeker.kad.findProviders(key: kadMultihashKey("nobody provides this")).isEmpty)
        for node in [seeker, bootstrap] + servers { await node.close() }
    }

    /// Garbage on /ipfs/kad/1.0.0 gets that stream reset, an oversized length prefix too,
    /// and the server goes on answering the same peer on new streams and everyone else.
    @Test func garbageGetsTheStreamResetWhileOthersAreServed() async throws {
        let (bootstrap, servers) = try await network(servers: 1)
        let hostile = try await KadTestNode.make(mode: .client)
        _ = try await hostile.swarm.dial(bootstrap.address.appending(.p2p(bootstrap.peer)))

        // Not protobuf; a 16 MiB length prefix; message type 9; a message cut short by FIN.
        let cases: [(bytes: [UInt8], fin: Bool)] = [
            ([0x05, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], false), ([0x80, 0x80, 0x80, 0x08], false), ([0x02, 0x08, 0x09], false),
            ([0x03, 0x08, 0x05], true),
        ]
        for (garbage, fin) in cases {
            let stream = try await hostile.swarm.newStream(to: bootstrap.peer, protocols: [Kademlia.protocolID])
            try await stream.write(garbage)
            if fin { try await stream.closeWrite() }
            await #expect(throws: LibP2PError.streamReset, "garbage \(garbage) was not refused") {
                while try await stream.read() != nil {}
            }
        }

        // The same peer, a well-formed request on a new stream: answered.
        let response = try await hostile.swarm.request(
            bootstrap.peer, protocolID: Kademlia.protocolID, KadMessage.findNode(hostile.peer.bytes).serializedBytes(),
            maxResponseBytes: 1 << 16)
        let message = try KadMessage.decode(response)
        #expect(message.type == .findNode)
        #expect(message.closerPeers.contains { $0.id == servers[0].peer })

        // Everyone else: a lookup through the bootstrap node still works.
        let other = try await KadTestNode.make()
        await other.kad.addPeer(bootstrap.peer, addresses: [bootstrap.address])
        let closest = try await other.kad.closestPeers(to: servers[0].peer.bytes)
        #expect(closest.contains { $0.id == servers[0].peer })
        for node in [other, hostile, bootstrap] + servers { await node.close() }
    }

    /// A client-mode node looks things up but never enters a server's routing table; the
    /// routing table survives a snapshot and restore; a corrupt snapshot is refused.
    @Test func clientModeAndRoutingTableSnapshot() async throws {
        let (bootstrap, servers) = try await network(servers: 2)
        let key = kadTestKey("client")
        try await servers[1].kad.putValue(key: key, value: [42])

        let client = try await KadTestNode.make(mode: .client)
        try await client.kad.bootstrap(peers: [bootstrap.bootstrapEntry])
        #expect(try await client.kad.getValue(key: key) == [42])
        #expect(await kadEventually { await bootstrap.swarm.info(of: client.peer) != nil })
        #expect(await !bootstrap.kad.isInRoutingTable(client.peer))
        #expect(await client.kad.isInRoutingTable(bootstrap.peer))

        let snapshot = await bootstrap.kad.routingTableSnapshot()
        let restored = try await KadTestNode.make()
        try await restored.kad.restoreRoutingTable(snapshot)
        #expect(await restored.kad.routingTableCount == bootstrap.kad.routingTableCount)
        #expect(try await restored.kad.getValue(key: key) == [42])
        await #expect(throws: KademliaError.refused(.malformed)) {
            try await restored.kad.restoreRoutingTable(Array(snapshot.dropLast()))
        }
        #expect(await restored.kad.routingTableCount == bootstrap.kad.routingTableCount)
        for node in [restored, client, bootstrap] + servers { await node.close() }
    }

    /// After shutdown every call throws and inbound Kademlia streams are reset; the swarm
    /// itself keeps serving its other protocols.
    @Test func shutdownRefusesCallsAndStreams() async throws {
        let (bootstrap, servers) = try await network(servers: 1)
        await bootstrap.kad.shutdown()
        await #expect(throws: KademliaError.shutDown) { try await bootstrap.kad.getValue(key: kadTestKey("after")) }
        await #expect(throws: KademliaError.shutDown) { try await bootstrap.kad.findPeer(servers[0].peer) }
        await #expect(throws: LibP2PError.streamReset) {
            try await servers[0].swarm.request(
                bootstrap.peer, protocolID: Kademlia.protocolID, KadMessage.ping.serializedBytes(), maxResponseBytes: 1024)
        }
        #expect(try await servers[0].swarm.ping(bootstrap.peer).count == 1)
        for node in [bootstrap] + servers { await node.close() }
    }

    /// A full bucket (k = 1 here) pings its least recently seen peer before taking a
    /// newcomer: alive, it stays and the newcomer is dropped; gone, the newcomer takes its place.
    @Test func fullBucketPingsItsOldestPeer() async throws {
        let owner = try await KadTestNode.make(k: 1)
        let ownerKey = KadKey(peer: owner.peer)
        /// A server whose ID falls in bucket 0 of the owner (first bit differs): half of all IDs.
        func bucketZeroServer() async throws -> KadTestNode {
            for _ in 0..<256 {
                let identity = Curve25519.Signing.PrivateKey()
                let peer = PeerID(ed25519PublicKey: Array(identity.publicKey.rawRepresentation))
                if ownerKey.commonPrefixLength(with: KadKey(peer: peer)) == 0 {
                    return try await KadTestNode.make(identity: identity)
                }
            }
            throw KademliaError.noPeers
        }
        let (oldest, newcomer, replacement) = try await (bucketZeroServer(), bucketZeroServer(), bucketZeroServer())
        let checkPending = { await owner.kad.node.routingTable.pendingCheck(inBucket: 0) != nil }

        await owner.kad.addPeer(oldest.peer, addresses: [oldest.address])
        await owner.kad.addPeer(newcomer.peer, addresses: [newcomer.address])
        #expect(await kadEventually { await !checkPending() })
        #expect(await owner.kad.isInRoutingTable(oldest.peer))
        #expect(await !owner.kad.isInRoutingTable(newcomer.peer))

        await oldest.close()
        await owner.kad.addPeer(replacement.peer, addresses: [replacement.address])
        #expect(await kadEventually { await owner.kad.isInRoutingTable(replacement.peer) })
        #expect(await !owner.kad.isInRoutingTable(oldest.peer))
        for node in [owner, newcomer, replacement] { await node.close() }
    }
}
