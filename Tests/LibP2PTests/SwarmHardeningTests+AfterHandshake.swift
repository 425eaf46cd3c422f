import LibP2PCore
import LibP2PYamux
import Testing
@testable import LibP2P

/// Hostile input after a real, completed handshake: the attacker is a ``HandDrivenPeer``.
extension SwarmHardeningTests {
    static let sink = "/test/sink/1.0.0"

    /// A target whose listener also has a handler that never reads (until the test ends).
    func sinkTarget(
        _ configure: (inout SwarmConfiguration) -> Void = { _ in }
    ) async throws -> (Target, AsyncStream<Void>.Continuation) {
        let target = try await target(configure)
        let (gate, open) = AsyncStream<Void>.makeStream()
        await target.listener.handle(Self.sink) { _ in for await _ in gate {} }
        return (target, open)
    }

    @Test func undecryptableFrameAfterTheHandshakeClosesTheConnection() async throws {
        let target = try await target()
        let peer = try await HandDrivenPeer.connect(to: target.address, peer: target.listener.localPeer)
        #expect(await eventually { await target.listener.peers.count == 2 })
        await peer.raw.send([0x00, 0x20] + Self.garbage(0x20))
        #expect(await peer.raw.waitUntilClosed())
        try await target.expectStillServing()
        await target.close()
    }

    @Test func yamuxGarbageAfterTheHandshakeClosesTheConnection() async throws {
        let target = try await target()
        var peer = try await HandDrivenPeer.connect(to: target.address, peer: target.listener.localPeer)
        try await peer.send(plaintext: [0x07] + Self.garbage(23))  // version 7: no such yamux
        #expect(await peer.receive { _ in false } == false)
        #expect(peer.sawProtocolErrorGoAway)
        #expect(await peer.raw.waitUntilClosed())
        try await target.expectStillServing()
        await target.close()
    }

    @Test func oversizedYamuxFrameClosesTheConnection() async throws {
        let target = try await target()
        var peer = try await HandDrivenPeer.connect(to: target.address, peer: target.listener.localPeer)
        let id = try peer.session.openStream()
        try await peer.flush()
        // Over the 16 MiB maximum window: refused on the header, before any payload.
        var header: [UInt8] = []
        YamuxFrameHeader(type: .data, streamID: id, length: 16 * 1024 * 1024 + 1).encode(into: &header)
        try await peer.send(plaintext: header)
        _ = await peer.receive { _ in false }
        #expect(peer.sawProtocolErrorGoAway)
        #expect(await peer.raw.waitUntilClosed())
        try await target.expectStillServing()
        await target.close()
    }

    @Test func windowViolationClosesTheConnection() async throws {
        let (target, gate) = try await sinkTarget()
        var peer = try await HandDrivenPeer.connect(to: target.address, peer: target.listener.localPeer)
        let id = try peer.session.openStream()
        var dialer = MultistreamDialer(protocols: [Self.sink])
        try peer.session.write(stream: id, data: dialer.start())
        try await peer.flush()
        #expect(await peer.receive { $0.contains(.streamAccepted(id)) })
        // The handler never reads, so the swarm grants nothing beyond the initial 256 KiB:
        // three 64 KiB frames fit, the fourth announces more than is left and is refused
        // on its header (its payload is never sent, so nothing is left unread).
        for _ in 0..<3 { try await peer.send(plaintext: YamuxFrame.data(id, Self.garbage(65_536)).encoded) }
        var header: [UInt8] = []
        YamuxFrameHeader(type: .data, streamID: id, length: 65_536).encode(into: &header)
        try await peer.send(plaintext: header)
        _ = await peer.receive { _ in false }
        #expect(peer.sawProtocolErrorGoAway)
        #expect(await peer.raw.waitUntilClosed())
        try await target.expectStillServing()
        gate.finish()
        await target.close()
    }

    @Test func streamFloodBeyondTheLimitIsRefusedAndStalledStreamsReset() async throws {
        let (target, gate) = try await sinkTarget {
            $0.maxStreamsPerConnection = 4
            // Long enough for the set-up's own pings on a loaded machine under ThreadSanitizer
            // (400 ms was not: "timed out: negotiating /ipfs/ping/1.0.0").
            $0.streamNegotiationTimeout = .seconds(2)
        }
        var yamux = YamuxConfiguration()
        yamux.maxOutboundStreams = 1_000
        var peer = try await HandDrivenPeer.connect(to: target.address, peer: target.listener.localPeer, yamux: yamux)
        var opened: [YamuxStreamID] = []
        for _ in 0..<12 { opened.append(try peer.session.openStream()) }
        try await peer.flush()
        let ours = Set(opened)
        func accepted(_ events: [YamuxEvent]) -> Int {
            events.filter { if case .streamAccepted(let id) = $0 { ours.contains(id) } else { false } }.count
        }
        func reset(_ events: [YamuxEvent]) -> Int {
            events.filter { if case .streamReset(let id) = $0 { ours.contains(id) } else { false } }.count
        }
        // Four accepted, eight refused with RST; the connection stays up.
        #expect(await peer.receive { accepted($0) + reset($0) == 12 })
        #expect(accepted(peer.events) == 4)
        #expect(reset(peer.events) == 8)
        #expect(!peer.raw.isClosed)
        // The four never negotiate a protocol: each is reset at the negotiation timeout.
        #expect(await peer.receive { reset($0) == 12 })
        #expect(await eventually { await target.listener.streamStateCount() == 0 })
        try await target.expectStillServingIncluding(attackers: 1)
        gate.finish()
        await target.close()
    }

    @Test func endlessVarintOnAStreamResetsOnlyThatStream() async throws {
        let (target, gate) = try await sinkTarget()
        let rr = "/test/rr/1.0.0"
        await target.listener.handleRequests(rr, maxRequestBytes: 1024, maxResponseBytes: 1024) { _, request in request }
        // In the protocol negotiation of a stream.
        var peer = try await HandDrivenPeer.connect(to: target.address, peer: target.listener.localPeer)
        let id = try peer.session.openStream()
        try peer.session.write(stream: id, data: MultistreamMessage.header.encoded + [UInt8](repeating: 0x80, count: 32))
        try await peer.flush()
        #expect(await peer.receive { $0.contains(.streamReset(id)) })
        #expect(!peer.raw.isClosed)
        // In a length-prefixed request.
        let stream = try await target.good.newStream(to: target.listener.localPeer, protocols: [rr])
        try await stream.write([UInt8](repeating: 0xFF, count: 16))
        await #expect(throws: LibP2PError.streamReset) { _ = try await stream.read() }
        try await target.expectStillServingIncluding(attackers: 1)
        gate.finish()
        await target.close()
    }
}

extension SwarmHardeningTests.Target {
    /// As ``expectStillServing(sourceLocation:)``, with `attackers` connections kept open
    /// (attacks that cost the attacker streams, not its connection).
    func expectStillServingIncluding(attackers: Int, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        #expect(await listener.pendingHandshakeCount == 0, sourceLocation: sourceLocation)
        #expect(await listener.peers.count == 1 + attackers, sourceLocation: sourceLocation)
        #expect(try await good.ping(listener.localPeer).count == 1, sourceLocation: sourceLocation)
        #expect(try await listener.ping(good.localPeer).count == 1, sourceLocation: sourceLocation)
    }
}
