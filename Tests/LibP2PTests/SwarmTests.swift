import Crypto
import LibP2PCore
import Logging
import Testing
@testable import LibP2P

/// Two real swarms on loopback, over TCP, Noise and yamux.
@Suite(.serialized, .timeLimit(.minutes(2))) struct SwarmTests {
    static let echo = "/test/echo/1.0.0"

    private func makeSwarm() -> Swarm {
        var logger = Logger(label: "test")
        logger.logLevel = .error
        return Swarm(identity: Curve25519.Signing.PrivateKey(), logger: logger)
    }

    private func pair() async throws -> (dialer: Swarm, listener: Swarm, address: Multiaddr) {
        let listener = makeSwarm()
        await listener.handle(Self.echo) { stream in
            do {
                while let bytes = try await stream.read() { try await stream.write(bytes) }
                try await stream.closeWrite()
            } catch {
                await stream.reset()
            }
        }
        let bound = try await listener.listen(on: Multiaddr("/ip4/127.0.0.1/tcp/0"))
        let address = try bound.appending(.p2p(listener.localPeer))
        return (makeSwarm(), listener, address)
    }

    /// Waits (bounded) until `condition` holds.
    private func eventually(_ condition: () async -> Bool) async -> Bool {
        for _ in 0..<600 {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    @Test func dialIdentifiesBothWays() async throws {
        let (dialer, listener, address) = try await pair()
        let peer = try await dialer.dial(address)
        #expect(peer == listener.localPeer)
        #expect(await eventually { await dialer.info(of: listener.localPeer) != nil })
        let info = try #require(await dialer.info(of: listener.localPeer))
        #expect(info.agentVersion == "variance/0.1.0")
        #expect(info.protocols.contains(Self.echo))
        #expect(info.protocols.contains(Ping.protocolID))
        #expect(info.listenAddresses.count == 1)
        #expect(await eventually { await listener.info(of: dialer.localPeer) != nil })
        await dialer.close()
        await listener.close()
    }

    @Test func hundredPings() async throws {
        let (dialer, listener, address) = try await pair()
        let peer = try await dialer.dial(address)
        let rtts = try await dialer.ping(peer, count: 100)
        #expect(rtts.count == 100)
        await dialer.close()
        await listener.close()
    }

    @Test func tenMegabytesEchoByteExact() async throws {
        let (dialer, listener, address) = try await pair()
        let peer = try await dialer.dial(address)
        let stream = try await dialer.newStream(to: peer, protocols: [Self.echo])
        var payload = [UInt8](repeating: 0, count: 10 * 1024 * 1024)
        for i in payload.indices { payload[i] = UInt8(truncatingIfNeeded: i &* 2654435761 >> 13) }
        let sent = payload
        let writer = Task {
            try await stream.write(sent)
            try await stream.closeWrite()
        }
        var received: [UInt8] = []
        received.reserveCapacity(payload.count)
        while let chunk = try await stream.read() { received += chunk }
        try await writer.value
        #expect(received.count == payload.count)
        #expect(received == payload)
        await dialer.close()
        await listener.close()
    }

    @Test func twentyConcurrentStreams() async throws {
        let (dialer, listener, address) = try await pair()
        let peer = try await dialer.dial(address)
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for i in 0..<20 {
                group.addTask {
                    let stream = try await dialer.newStream(to: peer, protocols: [Self.echo])
                    let message = Array("stream \(i) ".utf8) + [UInt8](repeating: UInt8(i), count: 100_000)
                    try await stream.write(message)
                    try await stream.closeWrite()
                    var echoed: [UInt8] = []
                    while let chunk = try await stream.read() { echoed += chunk }
                    return echoed == message
                }
            }
            for try await ok in group { #expect(ok) }
        }
        await dialer.close()
        await listener.close()
    }

    @Test func finishedStreamsAreForgottenOnBothSides() async throws {
        let (dialer, listener, address) = try await pair()
        let peer = try await dialer.dial(address)
        for i in 0..<50 {
            let stream = try await dialer.newStream(to: peer, protocols: [Self.echo])
            try await stream.write([UInt8(i)])
            try await stream.closeWrite()
            while try await stream.read() != nil {}
        }
        _ = try await dialer.ping(peer)
        #expect(await eventually { await dialer.streamStateCount() == 0 })
        #expect(await eventually { await listener.streamStateCount() == 0 })
        await dialer.close()
        await listener.close()
    }

    @Test func unsupportedProtocolIsRefusedCleanly() async throws {
        let (dialer, listener, address) = try await pair()
        let peer = try await dialer.dial(address)
        await #expect(throws: LibP2PError.self) {
            _ = try await dialer.newStream(to: peer, protocols: ["/no/such/1.0.0"])
        }
        // The connection is still good.
        #expect(try await dialer.ping(peer).count == 1)
        await dialer.close()
        await listener.close()
    }

    @Test func wrongExpectedPeerIsRefused() async throws {
        let (dialer, listener, address) = try await pair()
        let other = PeerID(ed25519PublicKey: Array(Curve25519.Signing.PrivateKey().publicKey.rawRepresentation))
        let wrong = try Multiaddr(address.components.dropLast() + [.p2p(other)])
        await #expect(throws: (any Error).self) { _ = try await dialer.dial(wrong) }
        #expect(await dialer.isConnected(to: listener.localPeer) == false)
        await dialer.close()
        await listener.close()
    }

    @Test func simultaneousDialsShareOneConnection() async throws {
        let (dialer, listener, address) = try await pair()
        async let a = dialer.dial(address)
        async let b = dialer.dial(address)
        _ = try await (a, b)
        #expect(await dialer.peers.first?.connections == 1)
        await dialer.close()
        await listener.close()
    }

    @Test func peerThatVanishesLeavesTheNodeHealthy() async throws {
        let (dialer, listener, address) = try await pair()
        let peer = try await dialer.dial(address)
        let stream = try await dialer.newStream(to: peer, protocols: [Self.echo])
        try await stream.write([1, 2, 3])
        await listener.close()
        #expect(await eventually { await dialer.isConnected(to: peer) == false })
        await #expect(throws: (any Error).self) {
            while try await stream.read() != nil {}
            try await stream.write([4])
        }
        // A new listener can be reached.
        let (_, second, secondAddress) = try await pair()
        #expect(try await dialer.dial(secondAddress) == second.localPeer)
        await dialer.close()
        await second.close()
    }
}

/// Optimistic ("lazy") multistream-select on streams to protocols identify announced.
@Suite(.serialized, .timeLimit(.minutes(2))) struct OptimisticNegotiationTests {
    static let echo = "/test/echo/1.0.0"

    private func makeSwarm() -> Swarm {
        var logger = Logger(label: "test")
        logger.logLevel = .error
        return Swarm(identity: Curve25519.Signing.PrivateKey(), logger: logger)
    }

    @Test func aRequestOnAnAnnouncedProtocolSkipsTheRoundTripAndWorks() async throws {
        let listener = makeSwarm()
        await listener.handleRequests(Self.echo, maxRequestBytes: 1024, maxResponseBytes: 1024) { _, request in request.reversed() }
        let address = try await listener.listen(on: Multiaddr("/ip4/127.0.0.1/tcp/0")).appending(.p2p(listener.localPeer))
        let dialer = makeSwarm()
        let peer = try await dialer.dial(address)
        for _ in 0..<200 where await dialer.info(of: peer) == nil { try await Task.sleep(for: .milliseconds(10)) }
        #expect(await dialer.info(of: peer)?.protocols.contains(Self.echo) == true)
        for round in 0..<20 {
            let response = try await dialer.request(peer, protocolID: Self.echo, [1, 2, UInt8(round)], maxResponseBytes: 1024)
            #expect(response == [UInt8(round), 2, 1])
        }
        await dialer.close()
        await listener.close()
    }

    @Test func aRefusedOptimisticOpenFailsClearlyAndTheConnectionLives() async throws {
        let listener = makeSwarm()
        let address = try await listener.listen(on: Multiaddr("/ip4/127.0.0.1/tcp/0")).appending(.p2p(listener.localPeer))
        let dialer = makeSwarm()
        let peer = try await dialer.dial(address)
        for _ in 0..<200 where await dialer.info(of: peer) == nil { try await Task.sleep(for: .milliseconds(10)) }
        // Identify claims a protocol the peer does not serve (a stale announcement).
        await dialer.pretendAnnounced("/test/absent/1.0.0", by: peer)
        await #expect(throws: LibP2PError.self) {
            _ = try await dialer.request(peer, protocolID: "/test/absent/1.0.0", [1], maxResponseBytes: 16)
        }
        #expect(try await dialer.ping(peer).count == 1)
        await dialer.close()
        await listener.close()
    }
}

extension Swarm {
    /// Test hook: adds `protocolID` to what identify told us `peer` speaks.
    func pretendAnnounced(_ protocolID: String, by peer: PeerID) {
        identified[peer]?.protocols.append(protocolID)
    }
}
