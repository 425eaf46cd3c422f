import LibP2PCore
import Testing
@testable import LibP2P

/// Connection limits, each at the limit, and the idle timeout.
extension SwarmHardeningTests {
    @Test func totalConnectionLimit() async throws {
        let (listener, address) = try await listeningSwarm { $0.maxConnections = 2 }
        let first = makeSwarm()
        let second = makeSwarm()
        let third = makeSwarm()
        try await first.dial(address)
        try await second.dial(address)
        #expect(await eventually { await listener.peers.count == 2 })
        // At the limit: the third is closed before negotiation.
        await #expect(throws: (any Error).self) { try await third.dial(address) }
        #expect(await listener.peers.count == 2)
        #expect(await eventually { await listener.pendingHandshakeCount == 0 })
        // A place frees up: the third gets in.
        await first.close()
        #expect(await eventually { await listener.peers.count == 1 })
        #expect(try await third.dial(address) == listener.localPeer)
        #expect(try await third.ping(listener.localPeer).count == 1)
        // The dialling side counts too: a swarm at its limit refuses to dial.
        let (other, otherAddress) = try await listeningSwarm()
        let single = makeSwarm { $0.maxConnections = 1 }
        try await single.dial(otherAddress)
        await #expect(throws: LibP2PError.limitReached("1 connections")) { try await single.dial(address) }
        for swarm in [second, third, single, other, listener] { await swarm.close() }
    }

    @Test func perPeerConnectionLimit() async throws {
        let (listener, address) = try await listeningSwarm()  // 2 per peer
        let withoutPeer = try Multiaddr(address.components.dropLast())  // no /p2p: no dial dedupe
        // The listener enforces it: a third connection from one peer is closed.
        let eager = makeSwarm { $0.maxConnectionsPerPeer = 3 }
        for _ in 0..<3 { _ = try? await eager.dial(withoutPeer) }
        #expect(await eventually { await listener.peers.first?.connections == 2 })
        #expect(await eventually { await eager.peers.first?.connections == 2 })
        #expect(await listener.pendingHandshakeCount == 0)
        #expect(try await eager.ping(listener.localPeer).count == 1)
        // So does the dialler: its own third connection fails (only when the peer opened one
        // of the connections, both sides dialling at once, does the dial answer with the peer).
        let dialler = makeSwarm()
        try await dialler.dial(withoutPeer)
        try await dialler.dial(withoutPeer)
        await #expect(throws: LibP2PError.self) { try await dialler.dial(withoutPeer) }
        #expect(await eventually { await dialler.peers.first?.connections == 2 })
        #expect(try await dialler.ping(listener.localPeer).count == 1)
        for swarm in [eager, dialler, listener] { await swarm.close() }
    }

    @Test func pendingHandshakeLimit() async throws {
        let (listener, address) = try await listeningSwarm {
            $0.maxPendingHandshakes = 2
            $0.handshakeTimeout = .seconds(60)
        }
        let silent = [try await RawConnection.connect(to: address), try await RawConnection.connect(to: address)]
        #expect(await eventually { await listener.pendingHandshakeCount == 2 })
        // At the limit: new connections are closed at once, whoever they are.
        let refused = try await RawConnection.connect(to: address)
        #expect(await refused.waitUntilClosed())
        let good = makeSwarm()
        await #expect(throws: (any Error).self) { try await good.dial(address) }
        // One slot frees up: the good peer gets in.
        await silent[0].close()
        #expect(await eventually { await listener.pendingHandshakeCount == 1 })
        #expect(try await good.dial(address) == listener.localPeer)
        #expect(try await good.ping(listener.localPeer).count == 1)
        #expect(!silent[1].isClosed)
        await silent[1].close()
        #expect(await eventually { await listener.pendingHandshakeCount == 0 })
        await good.close()
        await listener.close()
    }

    @Test func pendingHandshakeLimitPerAddress() async throws {
        let (listener, address) = try await listeningSwarm {
            $0.maxPendingHandshakes = 8
            $0.maxPendingHandshakesPerAddress = 2
            $0.handshakeTimeout = .seconds(60)
        }
        let silent = [try await RawConnection.connect(to: address), try await RawConnection.connect(to: address)]
        #expect(await eventually { await listener.pendingHandshakeCount == 2 })
        // At the address's limit (the global one is far): its next connection is closed at once.
        let refused = try await RawConnection.connect(to: address)
        #expect(await refused.waitUntilClosed())
        #expect(await listener.pendingHandshakeCount == 2)
        // A handshake that ends frees the address's slot.
        await silent[0].close()
        #expect(await eventually { await listener.pendingHandshakeCount == 1 })
        let good = makeSwarm()
        #expect(try await good.dial(address) == listener.localPeer)
        #expect(try await good.ping(listener.localPeer).count == 1)
        // A completed handshake gives its slot back too: two more may wait.
        let more = try await RawConnection.connect(to: address)
        #expect(await eventually { await listener.pendingHandshakeCount == 2 })
        #expect(!more.isClosed && !silent[1].isClosed)
        for connection in [silent[1], more] { await connection.close() }
        #expect(await eventually { await listener.pendingHandshakeCount == 0 })
        await good.close()
        await listener.close()
    }

    @Test func idleConnectionIsClosed() async throws {
        let idle = Duration.milliseconds(500)
        let (listener, address) = try await listeningSwarm { $0.idleTimeout = idle }
        let dialer = makeSwarm { $0.idleTimeout = nil }
        let clock = ContinuousClock()
        let start = clock.now
        let peer = try await dialer.dial(address)
        #expect(await eventually { await dialer.info(of: peer) != nil })
        // The listener says GoAway and closes; the dialer (no timeout of its own) follows.
        #expect(await eventually { await listener.peers.isEmpty })
        #expect(await eventually { await dialer.isConnected(to: peer) == false })
        #expect(clock.now - start >= idle)
        // A new connection works as before.
        #expect(try await dialer.dial(address) == peer)
        #expect(try await dialer.ping(peer).count == 1)
        await dialer.close()
        await listener.close()
    }

    @Test func idlePeerThatIgnoresGoAwayIsClosedAnyway() async throws {
        let (listener, address) = try await listeningSwarm {
            $0.idleTimeout = .milliseconds(300)
            $0.streamNegotiationTimeout = .milliseconds(200)  // the identify stream it opens to us
        }
        var peer = try await HandDrivenPeer.connect(to: address, peer: listener.localPeer)
        #expect(await eventually { await listener.peers.count == 1 })
        // We answer nothing and never close: the listener says GoAway and closes the socket.
        _ = await peer.receive { $0.contains(.goAwayReceived(.normal)) }
        #expect(peer.events.contains(.goAwayReceived(.normal)))
        #expect(await peer.raw.waitUntilClosed())
        #expect(await eventually { await listener.peers.isEmpty })
        await listener.close()
    }

    @Test func openStreamKeepsAConnectionFromIdling() async throws {
        let idle = Duration.milliseconds(300)
        let (listener, address) = try await listeningSwarm { $0.idleTimeout = idle }
        let dialer = makeSwarm { $0.idleTimeout = nil }
        let peer = try await dialer.dial(address)
        var stream: LibP2PStream? = try await dialer.newStream(to: peer, protocols: [Self.echo])
        // Watched for five timeouts with the stream open and silent: still connected.
        let clock = ContinuousClock()
        let until = clock.now.advanced(by: idle * 5)
        var stayed = true
        while clock.now < until {
            stayed = await dialer.isConnected(to: peer) && stayed
            try? await Task.sleep(for: .milliseconds(50))
        }
        #expect(stayed)
        // Closed both ways and released: the connection idles out.
        try await stream?.write([1, 2, 3])
        try await stream?.closeWrite()
        while try await stream?.read() != nil {}
        stream = nil
        #expect(await eventually { await dialer.isConnected(to: peer) == false })
        await dialer.close()
        await listener.close()
    }
}
