import Crypto
import LibP2PCore
import LibP2PNoise
import LibP2PYamux
import Testing
@testable import LibP2P

/// Slow and stalled peers ("slowloris"): one that trickles its handshake a byte at a time,
/// one that stops reading while it keeps asking for answers. Each is dropped at its bound
/// while the good peer goes on being served.
extension SwarmHardeningTests {
    /// The handshake timeout is a deadline for the whole upgrade, not an idle timer: a byte
    /// every 100 ms, in the multistream negotiation or inside Noise message 1, does not keep
    /// a connection alive past it.
    @Test func handshakeTrickledAByteAtATimeIsDroppedAtTheDeadline() async throws {
        let timeout = Duration.seconds(1)
        let target = try await target { $0.handshakeTimeout = timeout }
        let clock = ContinuousClock()
        let start = clock.now
        // 28 bytes of negotiation (2.8 s at this pace), then Noise message 1.
        var first = NoiseHandshake(role: .initiator, identity: Curve25519.Signing.PrivateKey())
        var second = NoiseHandshake(role: .initiator, identity: Curve25519.Signing.PrivateKey())
        var dialer = MultistreamDialer(protocols: ["/noise"])
        let inNegotiation = try await RawConnection.connect(to: target.address)
        let inNoise = try await RawConnection.connect(to: target.address)
        _ = try await HandDrivenPeer.negotiate("/noise", on: inNoise)
        let streams = [(inNegotiation, dialer.start() + (try first.start())), (inNoise, try second.start())]
        var sent = [0, 0]
        // Both trickle side by side, one byte each per 100 ms, until the listener closes them.
        for step in 0..<200 {
            var open = false
            for (index, (raw, bytes)) in streams.enumerated() where !raw.isClosed && step < bytes.count {
                await raw.send([bytes[step]])
                sent[index] += 1
                open = true
            }
            if !open { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        for (index, (raw, bytes)) in streams.enumerated() {
            #expect(await raw.waitUntilClosed(within: .seconds(10)))
            #expect(sent[index] < bytes.count, "the whole handshake went out: the deadline was not what closed it")
        }
        #expect(clock.now - start >= timeout)
        try await target.expectStillServing()
        await target.close()
    }

    /// A peer that completes the handshake, then stops reading its socket and sends yamux
    /// pings, each answered with a pong it never reads: once the kernel's buffers are full,
    /// the pongs wait in the connection's output queue, which is closed past
    /// ``SwarmConfiguration/maxQueuedOutputBytes`` (256 KiB here).
    @Test func aPeerThatStopsReadingIsDroppedAtTheOutputBound() async throws {
        let target = try await target { $0.maxQueuedOutputBytes = 256 * 1024 }
        var peer = try await HandDrivenPeer.connect(
            to: target.address, peer: target.listener.localPeer, receiveBuffer: 16 * 1024)
        #expect(await eventually { await target.listener.peers.count == 2 })
        await peer.raw.stopReading()
        var pings: [UInt8] = []
        for index in 0..<4096 { YamuxFrame.ping(flags: .syn, opaque: UInt32(index)).encode(into: &pings) }
        // 48 KiB of pings a round; 64 MiB in all would be proof the queue has no bound.
        var sent = 0
        while sent < 64 << 20, await target.listener.peers.count == 2 {
            try await peer.send(plaintext: pings)
            sent += pings.count
        }
        #expect(sent < 64 << 20, "64 MiB of pongs were queued for a peer that reads nothing")
        try await target.expectStillServing()
        await target.close()
    }
}
