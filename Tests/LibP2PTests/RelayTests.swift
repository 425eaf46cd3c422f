import Crypto
import LibP2PCore
import LibP2PRelay
import Logging
import Testing
@testable import LibP2P

/// Circuit Relay v2 between three real swarms on loopback: a relay, a peer reserved on it,
/// and a peer that reaches the first only through the relay.
@Suite(.serialized, .timeLimit(.minutes(2))) struct RelayTests {
    static let echo = "/test/echo/1.0.0"

    private func makeSwarm() -> Swarm {
        var logger = Logger(label: "test")
        logger.logLevel = .error
        return Swarm(identity: Curve25519.Signing.PrivateKey(), logger: logger)
    }

    private func echoing(_ swarm: Swarm) async {
        await swarm.handle(Self.echo) { stream in
            do {
                while let bytes = try await stream.read() { try await stream.write(bytes) }
                try await stream.closeWrite()
            } catch {
                await stream.reset()
            }
        }
    }

    /// A relay listening on loopback with `limits`, and its address.
    private func relay(_ limits: RelayLimits = RelayLimits()) async throws -> (Swarm, RelayService, Multiaddr) {
        let swarm = makeSwarm()
        let bound = try await swarm.listen(on: Multiaddr("/ip4/127.0.0.1/tcp/0"))
        let service = await RelayService.start(on: swarm, limits: limits)
        return (swarm, service, try bound.appending(.p2p(swarm.localPeer)))
    }

    private func echo(_ bytes: [UInt8], over stream: LibP2PStream) async throws -> [UInt8] {
        try await stream.write(bytes)
        try await stream.closeWrite()
        var received: [UInt8] = []
        while let chunk = try await stream.read() { received += chunk }
        return received
    }

    @Test func reservedPeerIsReachedThroughTheRelay() async throws {
        let (relaySwarm, service, relayAddress) = try await relay()
        let bob = makeSwarm()
        await bob.acceptRelayedConnections()
        await echoing(bob)
        let reservation = try await bob.reserve(on: relayAddress)
        #expect(reservation.relay == relaySwarm.localPeer)
        #expect(reservation.circuitAddresses.count == 1)
        #expect(await bob.relayedAddresses == reservation.circuitAddresses)
        #expect(await service.stats.reservations == 1)

        let alice = makeSwarm()
        let target = try #require(CircuitAddress.make(relay: relayAddress, target: bob.localPeer))
        let peer = try await alice.dial(target)
        #expect(peer == bob.localPeer)
        let stream = try await alice.newStream(to: bob.localPeer, protocols: [Self.echo])
        let payload = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        #expect(try await echo(payload, over: stream) == payload)
        // Both ends see a relayed connection; alice is not directly connected to bob.
        #expect(await alice.peers.first { $0.peer == bob.localPeer }?.addresses.first.map(CircuitAddress.isRelayed) == true)
        #expect(await service.stats.circuits == 1)
        // Identify told alice bob's relayed address.
        #expect(await eventually { await alice.info(of: bob.localPeer)?.listenAddresses.contains(reservation.circuitAddresses[0]) == true })
        for swarm in [alice, bob, relaySwarm] { await swarm.close() }
    }

    @Test func noReservationIsAClearDialError() async throws {
        let (relaySwarm, _, relayAddress) = try await relay()
        let bob = makeSwarm()
        _ = try await bob.dial(relayAddress)  // connected, but never reserved
        let alice = makeSwarm()
        let target = try #require(CircuitAddress.make(relay: relayAddress, target: bob.localPeer))
        await #expect { try await alice.dial(target) } throws: { error in
            "\(error)".contains("no reservation")
        }
        for swarm in [alice, bob, relaySwarm] { await swarm.close() }
    }

    @Test func reservationsBeyondTheLimitAreRefused() async throws {
        var limits = RelayLimits()
        limits.maxReservations = 1
        let (relaySwarm, _, relayAddress) = try await relay(limits)
        let first = makeSwarm()
        let second = makeSwarm()
        _ = try await first.reserve(on: relayAddress)
        await #expect(throws: LibP2PError.self) { try await second.reserve(on: relayAddress) }
        for swarm in [first, second, relaySwarm] { await swarm.close() }
    }

    @Test func circuitDataBudgetEndsTheCircuit() async throws {
        var limits = RelayLimits()
        limits.circuitBytes = 64 * 1024
        let (relaySwarm, service, relayAddress) = try await relay(limits)
        let bob = makeSwarm()
        await bob.acceptRelayedConnections()
        await echoing(bob)
        _ = try await bob.reserve(on: relayAddress)
        let alice = makeSwarm()
        _ = try await alice.dial(try #require(CircuitAddress.make(relay: relayAddress, target: bob.localPeer)))
        let stream = try await alice.newStream(to: bob.localPeer, protocols: [Self.echo])
        await #expect(throws: (any Error).self) {
            _ = try await echo([UInt8](repeating: 7, count: 1 << 20), over: stream)
        }
        #expect(await eventually { await !alice.isConnected(to: bob.localPeer) })
        #expect(await eventually { await service.stats.circuits == 0 })
        for swarm in [alice, bob, relaySwarm] { await swarm.close() }
    }

    /// A relayed connection is fed by the connection under it (no task reads the stream):
    /// messages keep their order, and it ends, at both ends, when the relay goes away.
    @Test func relayedConnectionsKeepOrderAndEndWithTheRelay() async throws {
        let (relaySwarm, _, relayAddress) = try await relay()
        let bob = makeSwarm()
        await bob.acceptRelayedConnections()
        await echoing(bob)
        _ = try await bob.reserve(on: relayAddress)
        let alice = makeSwarm()
        _ = try await alice.dial(try #require(CircuitAddress.make(relay: relayAddress, target: bob.localPeer)))
        let stream = try await alice.newStream(to: bob.localPeer, protocols: [Self.echo])
        for round in 0..<200 {
            let message = (0...round).map { UInt8(truncatingIfNeeded: $0 &+ round) }
            try await stream.write(message)
            #expect(try await stream.readExactly(message.count) == message)
        }
        await relaySwarm.close()
        #expect(await eventually { await !alice.isConnected(to: bob.localPeer) })
        #expect(await eventually { await !bob.isConnected(to: alice.localPeer) })
        for swarm in [alice, bob] { await swarm.close() }
    }

    @Test func aPeerThatDoesNotAcceptCircuitsIsNotReached() async throws {
        let (relaySwarm, _, relayAddress) = try await relay()
        let bob = makeSwarm()  // reserves but does not serve the stop protocol
        _ = try await bob.reserve(on: relayAddress)
        let alice = makeSwarm()
        await #expect(throws: (any Error).self) {
            try await alice.dial(try #require(CircuitAddress.make(relay: relayAddress, target: bob.localPeer)))
        }
        #expect(await !alice.isConnected(to: bob.localPeer))
        for swarm in [alice, bob, relaySwarm] { await swarm.close() }
    }

    /// The relay service and its swarm hold each other while the swarm runs (the hop
    /// handler keeps the service serving); closing the swarm ends that, so both are freed
    /// once the last outside reference goes (LeakSanitizer found every relay of this suite
    /// left allocated, with its peer records and event buffer, before close() dropped the
    /// handlers).
    @Test func aClosedRelayIsFreedWithItsService() async throws {
        weak var weakSwarm: Swarm?
        weak var weakService: RelayService?
        do {
            let (relaySwarm, service, relayAddress) = try await relay()
            weakSwarm = relaySwarm
            weakService = service
            let bob = makeSwarm()
            _ = try await bob.reserve(on: relayAddress)
            #expect(await service.stats.reservations == 1)
            for swarm in [bob, relaySwarm] { await swarm.close() }
        }
        // Tasks of the closed connections and listener may hold the swarm for a moment.
        #expect(await eventually { weakSwarm == nil && weakService == nil })
    }

    private func eventually(_ condition: () async -> Bool) async -> Bool {
        for _ in 0..<600 {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }
}
