import Crypto
import LibP2PCore
import LibP2PNoise
import Logging
import Testing
@testable import LibP2P

/// The swarm under hostile input, limits, idleness, request/response and identify push
/// (issue 3, points 5, 6 and 9), with real swarms and raw sockets on loopback.
///
/// Each hostile test attacks a listening swarm that also serves a well-behaved peer, then
/// checks that the attacker's connection was closed (or its streams reset), that nothing is
/// left pending, and that the good peer is still answered both ways.
///
/// This file: input before and during the handshake. After the handshake, limits and
/// idleness, request/response and push are in the `SwarmHardeningTests+*.swift` files.
@Suite(.serialized, .timeLimit(.minutes(3))) struct SwarmHardeningTests {
    static let echo = "/test/echo/1.0.0"

    // MARK: Helpers

    func makeSwarm(_ configure: (inout SwarmConfiguration) -> Void = { _ in }) -> Swarm {
        var logger = Logger(label: "hardening")
        logger.logLevel = .error
        var configuration = SwarmConfiguration()
        configure(&configuration)
        return Swarm(identity: Curve25519.Signing.PrivateKey(), configuration: configuration, logger: logger)
    }

    /// A listening swarm with an echo handler; returns its full address (with `/p2p`).
    func listeningSwarm(_ configure: (inout SwarmConfiguration) -> Void = { _ in }) async throws -> (Swarm, Multiaddr) {
        let swarm = makeSwarm(configure)
        await swarm.handle(Self.echo) { stream in
            do {
                while let bytes = try await stream.read() { try await stream.write(bytes) }
                try await stream.closeWrite()
            } catch {
                await stream.reset()
            }
        }
        let bound = try await swarm.listen(on: Multiaddr("/ip4/127.0.0.1/tcp/0"))
        return (swarm, try bound.appending(.p2p(swarm.localPeer)))
    }

    /// A listener under attack and a good peer already connected to it.
    func target(_ configure: (inout SwarmConfiguration) -> Void = { _ in }) async throws -> Target {
        let (listener, address) = try await listeningSwarm(configure)
        let good = makeSwarm()
        try await good.dial(address)
        return Target(listener: listener, address: address, good: good)
    }

    struct Target {
        let listener: Swarm
        let address: Multiaddr
        let good: Swarm

        /// The attack left nothing behind and the good peer is still served both ways.
        func expectStillServing(sourceLocation: SourceLocation = #_sourceLocation) async throws {
            #expect(await eventually { await listener.pendingHandshakeCount == 0 }, sourceLocation: sourceLocation)
            #expect(await eventually { await listener.peers.map(\.peer) == [good.localPeer] }, sourceLocation: sourceLocation)
            #expect(try await good.ping(listener.localPeer).count == 1, sourceLocation: sourceLocation)
            #expect(try await listener.ping(good.localPeer).count == 1, sourceLocation: sourceLocation)
        }

        func close() async {
            await good.close()
            await listener.close()
        }
    }

    /// Bytes that are no protocol at all (fixed, so that failures reproduce).
    static func garbage(_ count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 197 &+ 91) }
    }

    // MARK: Before and during the handshake

    @Test func garbageBeforeTheHandshakeClosesTheConnection() async throws {
        let target = try await target()
        let raw = try await RawConnection.connect(to: target.address)
        await raw.send(Self.garbage(300))
        #expect(await raw.waitUntilClosed())
        try await target.expectStillServing()
        await target.close()
    }

    @Test func multistreamHeaderThenGarbageClosesTheConnection() async throws {
        let target = try await target()
        let raw = try await RawConnection.connect(to: target.address)
        await raw.send(MultistreamMessage.header.encoded + [0x05, 0x01, 0x02, 0x03, 0x04, 0x05] + Self.garbage(40))
        #expect(await raw.waitUntilClosed())
        try await target.expectStillServing()
        await target.close()
    }

    @Test func noiseMessageOneThenGarbageClosesTheConnection() async throws {
        let target = try await target()
        let raw = try await RawConnection.connect(to: target.address)
        _ = try await HandDrivenPeer.negotiate("/noise", on: raw)
        var noise = NoiseHandshake(
            role: .initiator, identity: Curve25519.Signing.PrivateKey(), expectedRemotePeer: target.listener.localPeer)
        await raw.send(try noise.start())
        #expect(await raw.receive() != nil, "the listener answers message 1 with message 2")
        await raw.send([0x00, 0x60] + Self.garbage(0x60))  // a well-framed message 3 that is not one
        #expect(await raw.waitUntilClosed())
        try await target.expectStillServing()
        await target.close()
    }

    @Test func oversizedNoiseLengthClosesTheConnection() async throws {
        let target = try await target()
        // Before message 1, and after it: a length far over the 8 KiB handshake bound is
        // refused as soon as its two bytes arrive, without waiting for the body.
        let first = try await RawConnection.connect(to: target.address)
        _ = try await HandDrivenPeer.negotiate("/noise", on: first)
        await first.send([0xFF, 0xFF, 0x00])
        #expect(await first.waitUntilClosed())

        let second = try await RawConnection.connect(to: target.address)
        _ = try await HandDrivenPeer.negotiate("/noise", on: second)
        var noise = NoiseHandshake(role: .initiator, identity: Curve25519.Signing.PrivateKey())
        await second.send(try noise.start() + [0xFF, 0xF0])
        #expect(await second.waitUntilClosed())
        try await target.expectStillServing()
        await target.close()
    }

    @Test func endlessVarintBeforeTheHandshakeClosesTheConnection() async throws {
        let target = try await target()
        for filler: UInt8 in [0x80, 0xFF] {
            let raw = try await RawConnection.connect(to: target.address)
            await raw.send([UInt8](repeating: filler, count: 64))
            #expect(await raw.waitUntilClosed())
        }
        // Inside the multistream header: a valid start, then a length that never ends.
        let raw = try await RawConnection.connect(to: target.address)
        await raw.send(MultistreamMessage.header.encoded + [UInt8](repeating: 0x80, count: 32))
        #expect(await raw.waitUntilClosed())
        try await target.expectStillServing()
        await target.close()
    }

    @Test func silentPeerIsDroppedAfterTheHandshakeTimeout() async throws {
        let target = try await target { $0.handshakeTimeout = .milliseconds(300) }
        let clock = ContinuousClock()
        let start = clock.now
        let silent = try await RawConnection.connect(to: target.address)
        let stalled = try await RawConnection.connect(to: target.address)
        _ = try await HandDrivenPeer.negotiate("/noise", on: stalled)  // then nothing
        #expect(await silent.waitUntilClosed())
        #expect(await stalled.waitUntilClosed())
        #expect(clock.now - start >= .milliseconds(300))
        try await target.expectStillServing()
        await target.close()
    }
}

/// Waits (bounded: 10 s, polling every 20 ms) until `condition` holds.
func eventually(_ condition: () async -> Bool) async -> Bool {
    for _ in 0..<500 {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return await condition()
}
