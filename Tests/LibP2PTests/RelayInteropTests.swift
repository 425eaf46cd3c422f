import Crypto
import Foundation
import LibP2PCore
import LibP2PRelay
import Logging
import Testing
@testable import LibP2P

/// Circuit Relay v2 against py-libp2p 0.8.1 (`Tests/Interop/relay_peer.py`), both ways: a
/// Swift node reserves on a Python relay and a Python node reaches it through that relay;
/// a Python node reserves on our RelayService and a Swift node reaches it through ours.
@Suite(.serialized, .timeLimit(.minutes(3)), .enabled(if: PyHost.isAvailable, "the interop virtualenv is missing"))
struct RelayInteropTests {
    static let echo = "/test/echo/1.0.0"

    private func makeSwarm() -> Swarm {
        var logger = Logger(label: "test")
        logger.logLevel = .error
        return Swarm(identity: Curve25519.Signing.PrivateKey(), logger: logger)
    }

    @Test func swiftReservesOnAPythonRelayAndPythonDialsThroughIt() async throws {
        let relay = try PyHost(arguments: ["relay"], script: "relay_peer.py")
        defer { relay.closeInput() }
        let listening = try #require(await relay.nextJSON(), "relay_peer relay printed nothing: \(relay.standardErrorTail)")
        let relayAddress = try Multiaddr(try #require((listening["addrs"] as? [String])?.first))

        let swift = makeSwarm()
        await swift.acceptRelayedConnections()
        await swift.handle(Self.echo) { stream in
            do {
                while let bytes = try await stream.read() { try await stream.write(bytes) }
                try await stream.closeWrite()
            } catch { await stream.reset() }
        }
        let reservation = try await swift.reserve(on: relayAddress)
        #expect(reservation.relay == relayAddress.peerID)
        let circuit = try #require(CircuitAddress.make(relay: relayAddress, target: swift.localPeer))

        let dialer = try PyHost(arguments: ["dial", circuit.description], script: "relay_peer.py")
        let result = try #require(await dialer.nextJSON(timeout: .seconds(90)), "dial printed nothing: \(dialer.standardErrorTail)")
        #expect(result["ok"] as? Bool == true, "python dial through the python relay: \(result) \(dialer.standardErrorTail)")
        #expect(result["relayed"] as? Bool == true)
        #expect(result["bytes"] as? Int == 65536)
        await swift.close()
    }

    @Test func pythonReservesOnOurRelayAndSwiftDialsThroughIt() async throws {
        let relaySwarm = makeSwarm()
        let bound = try await relaySwarm.listen(on: Multiaddr("/ip4/127.0.0.1/tcp/0"))
        let service = await RelayService.start(on: relaySwarm)
        let relayAddress = try bound.appending(.p2p(relaySwarm.localPeer))

        let target = try PyHost(arguments: ["reserve", relayAddress.description], script: "relay_peer.py")
        defer { target.closeInput() }
        let reserved = try #require(await target.nextJSON(timeout: .seconds(60)), "reserve printed nothing: \(target.standardErrorTail)")
        #expect(reserved["event"] as? String == "reserved", "\(reserved) \(target.standardErrorTail)")
        #expect(reserved["voucher_ok"] as? Bool == true, "py could not verify our voucher: \(reserved)")
        #expect(await service.stats.reservations == 1)
        let circuit = try Multiaddr(try #require(reserved["circuit"] as? String))

        let swift = makeSwarm()
        let peer = try await swift.dial(circuit)
        #expect(peer.description == reserved["peer"] as? String)
        let stream = try await swift.newStream(to: peer, protocols: [Self.echo])
        let payload = (0..<65536).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        try await stream.write(payload)
        try await stream.closeWrite()
        var echoed: [UInt8] = []
        while let chunk = try await stream.read() { echoed += chunk }
        #expect(echoed == payload)
        #expect(await swift.peers.first { $0.peer == peer }?.addresses.first.map(CircuitAddress.isRelayed) == true)
        #expect(await service.stats.circuits == 1)
        let inbound = await target.nextJSON(timeout: .seconds(10))
        #expect(inbound?["event"] as? String == "inbound")
        await swift.close()
        await relaySwarm.close()
    }
}
