import LibP2PCore
import Testing
@testable import LibP2P

/// The request/response helper and identify push.
extension SwarmHardeningTests {
    static let upper = "/test/upper/1.0.0"

    struct Refusal: Error {}

    /// Two connected swarms; the listener answers `upper` with the request upper-cased,
    /// fails on "fail", and waits on `gate` for "wait".
    func requestPair() async throws -> (dialer: Swarm, listener: Swarm, gate: AsyncStream<Void>.Continuation) {
        let (listener, address) = try await listeningSwarm()
        let (gate, open) = AsyncStream<Void>.makeStream()
        await listener.handleRequests(Self.upper, maxRequestBytes: 1024, maxResponseBytes: 1024) { _, request in
            switch String(decoding: request, as: UTF8.self) {
            case "fail": throw Refusal()
            case "wait":
                for await _ in gate {}
                return request
            case let text: return Array(text.uppercased().utf8)
            }
        }
        let dialer = makeSwarm()
        try await dialer.dial(address)
        return (dialer, listener, open)
    }

    @Test func requestGetsItsResponse() async throws {
        let (dialer, listener, gate) = try await requestPair()
        let peer = listener.localPeer
        let response = try await dialer.request(peer, protocolID: Self.upper, Array("hello".utf8), maxResponseBytes: 1024)
        #expect(response == Array("HELLO".utf8))
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for i in 0..<20 {
                group.addTask {
                    let text = "request \(i)"
                    let answer = try await dialer.request(peer, protocolID: Self.upper, Array(text.utf8), maxResponseBytes: 64)
                    return answer == Array(text.uppercased().utf8)
                }
            }
            for try await ok in group { #expect(ok) }
        }
        // An empty request is a request too.
        #expect(try await dialer.request(peer, protocolID: Self.upper, [], maxResponseBytes: 8) == [])
        // One stream per request, and none left behind on either side.
        #expect(await eventually { await dialer.streamStateCount() == 0 })
        #expect(await eventually { await listener.streamStateCount() == 0 })
        gate.finish()
        await dialer.close()
        await listener.close()
    }

    @Test func oversizedMessagesAreRefused() async throws {
        let (dialer, listener, gate) = try await requestPair()
        let peer = listener.localPeer
        // A request over the responder's 1 KiB: the stream is reset before it is read.
        let big = [UInt8](repeating: UInt8(ascii: "a"), count: 2048)
        await #expect(throws: LibP2PError.streamReset) {
            _ = try await dialer.request(peer, protocolID: Self.upper, big, maxResponseBytes: 4096)
        }
        // A response over the requester's limit.
        await #expect(throws: LibP2PError.self) {
            _ = try await dialer.request(peer, protocolID: Self.upper, Array("hello".utf8), maxResponseBytes: 4)
        }
        #expect(try await dialer.request(peer, protocolID: Self.upper, Array("ok".utf8), maxResponseBytes: 4) == Array("OK".utf8))
        #expect(await eventually { await listener.streamStateCount() == 0 })
        gate.finish()
        await dialer.close()
        await listener.close()
    }

    @Test func handlerErrorResetsTheStream() async throws {
        let (dialer, listener, gate) = try await requestPair()
        await #expect(throws: LibP2PError.streamReset) {
            _ = try await dialer.request(listener.localPeer, protocolID: Self.upper, Array("fail".utf8), maxResponseBytes: 64)
        }
        await #expect(throws: LibP2PError.self) {
            _ = try await dialer.request(listener.localPeer, protocolID: "/test/none/1.0.0", [1], maxResponseBytes: 64)
        }
        #expect(try await dialer.request(listener.localPeer, protocolID: Self.upper, Array("b".utf8), maxResponseBytes: 64) == [66])
        gate.finish()
        await dialer.close()
        await listener.close()
    }

    @Test func requestTimesOut() async throws {
        let (dialer, listener, gate) = try await requestPair()
        let clock = ContinuousClock()
        let start = clock.now
        await #expect(throws: LibP2PError.timeout("a \(Self.upper) request")) {
            _ = try await dialer.request(
                listener.localPeer, protocolID: Self.upper, Array("wait".utf8), maxResponseBytes: 64,
                timeout: .milliseconds(300))
        }
        let elapsed = clock.now - start
        #expect(elapsed >= .milliseconds(300) && elapsed < .seconds(5))
        #expect(try await dialer.request(listener.localPeer, protocolID: Self.upper, Array("c".utf8), maxResponseBytes: 64) == [67])
        #expect(await eventually { await dialer.streamStateCount() == 0 })
        gate.finish()
        await dialer.close()
        await listener.close()
    }

    // MARK: Identify push

    @Test func identifyPushAnnouncesNewProtocolsAndAddresses() async throws {
        let (listener, address) = try await listeningSwarm()
        let dialer = makeSwarm()
        let peer = try await dialer.dial(address)
        #expect(await eventually { await dialer.info(of: peer) != nil })
        #expect(await dialer.info(of: peer)?.protocols.contains("/test/new/1.0.0") == false)
        await listener.handle("/test/new/1.0.0") { stream in await stream.reset() }
        #expect(await eventually { await dialer.info(of: peer)?.protocols.contains("/test/new/1.0.0") == true })
        let second = try await listener.listen(on: Multiaddr("/ip4/127.0.0.1/tcp/0"))
        #expect(await eventually { await dialer.info(of: peer)?.listenAddresses.contains(second) == true })
        #expect(await dialer.info(of: peer)?.listenAddresses.count == 2)
        #expect(await dialer.info(of: peer)?.agentVersion == "variance/0.1.0")
        #expect(await eventually { await listener.streamStateCount() == 0 })
        #expect(await eventually { await dialer.streamStateCount() == 0 })
        await dialer.close()
        await listener.close()
    }

    @Test func partialPushesAreMerged() async throws {
        let (listener, address) = try await listeningSwarm()
        let dialer = makeSwarm()
        try await dialer.dial(address)
        let me = dialer.localPeer
        #expect(await eventually { await listener.info(of: me) != nil })
        let before = try #require(await listener.info(of: me))
        // Only protocols (field 3): they replace ours, the rest stays.
        try await push(Self.field(3, "/only/1.0.0"), from: dialer, to: listener.localPeer)
        #expect(await eventually { await listener.info(of: me)?.protocols == ["/only/1.0.0"] })
        #expect(await listener.info(of: me)?.agentVersion == before.agentVersion)
        #expect(await listener.info(of: me)?.listenAddresses == before.listenAddresses)
        // Only the agent version (field 6).
        try await push(Self.field(6, "other/2.0"), from: dialer, to: listener.localPeer)
        #expect(await eventually { await listener.info(of: me)?.agentVersion == "other/2.0" })
        #expect(await listener.info(of: me)?.protocols == ["/only/1.0.0"])
        #expect(await listener.info(of: me)?.protocolVersion == before.protocolVersion)
        await dialer.close()
        await listener.close()
    }

    /// One protobuf string field, encoded by hand (tag, length, bytes).
    static func field(_ number: UInt8, _ text: String) -> [UInt8] {
        [number << 3 | 2, UInt8(text.utf8.count)] + Array(text.utf8)
    }

    private func push(_ message: [UInt8], from swarm: Swarm, to peer: PeerID) async throws {
        let stream = try await swarm.newStream(to: peer, protocols: [Identify.pushProtocolID])
        try await stream.writeLengthPrefixed(message)
        try await stream.closeWrite()
        while try await stream.read() != nil {}
    }
}
