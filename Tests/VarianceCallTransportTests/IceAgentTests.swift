import Testing
import VarianceCallTransport

@Suite("IceAgent")
struct IceAgentTests {
    @Test("gathering on loopback: trickled candidates match the gathered set")
    func gatherLoopback() async throws {
        let agent = try IceAgent(configuration: .loopback(controlling: true))
        let trickled = Watcher(agent.localCandidates)
        let candidates = try await agent.gather()
        #expect(!candidates.isEmpty)
        #expect(candidates.allSatisfy { $0.kind == .host && $0.address == "127.0.0.1" && $0.transport == "udp" })
        #expect(await trickled.wait { $0.count == candidates.count })
        #expect(await Set(trickled.received) == Set(candidates))
        #expect(!agent.localUsernameFragment.isEmpty && agent.localPassword.count >= 22)
        // A second gather returns the same set.
        #expect(try await agent.gather() == candidates)
        agent.close()
        await #expect(throws: IceAgent.Failure.self) { try await agent.gather() }
    }

    @Test("two agents connect with trickled candidates and carry datagrams")
    func trickle() async throws {
        let a = try IceAgent(configuration: .loopback(controlling: true))
        let b = try IceAgent(configuration: .loopback(controlling: false))
        try a.setRemoteCredentials(usernameFragment: b.localUsernameFragment, password: b.localPassword)
        try b.setRemoteCredentials(usernameFragment: a.localUsernameFragment, password: a.localPassword)
        let aStates = Watcher(a.states)
        let bStates = Watcher(b.states)
        let bDatagrams = Watcher(b.datagrams)
        // Each candidate is handed over as soon as it is found, before gathering finishes.
        let forwardA = Task { for await candidate in a.localCandidates { try b.addRemoteCandidates([candidate]) } }
        let forwardB = Task { for await candidate in b.localCandidates { try a.addRemoteCandidates([candidate]) } }
        async let gatheredA = a.gather()
        async let gatheredB = b.gather()
        _ = try await (gatheredA, gatheredB)
        try await forwardA.value
        try await forwardB.value
        #expect(await aStates.wait { $0.contains(.connected) })
        #expect(await bStates.wait { $0.contains(.connected) })
        #expect(a.selectedPair()?.local.kind == .host)
        // RTP-looking bytes pass; libnice keeps STUN to itself.
        let datagram: [UInt8] = [0x80, 111, 0, 1] + Array(repeating: 7, count: 20)
        #expect(a.send(datagram))
        #expect(await bDatagrams.wait { $0.contains(datagram) })
        #expect(!a.send([]))
        a.close()
        b.close()
        #expect(!a.send(datagram))
    }

    @Test("relay-only without a TURN server signals nothing")
    func relayOnlyWithoutServer() async throws {
        let agent = try IceAgent(configuration: IceConfiguration(relayOnly: true, controlling: true, hostAddresses: ["127.0.0.1"]))
        #expect(try await agent.gather().isEmpty)
        agent.close()
    }

    @Test("a peer that vanishes without a word ends in failed (RFC 7675 consent)", .timeLimit(.minutes(2)))
    func consentLost() async throws {
        let pair = try await TransportPair.start(offerer: .loopback(controlling: true), answerer: .loopback(controlling: false))
        #expect(await pair.offererStates.wait { $0.contains(.connected) })
        #expect(await pair.answererStates.wait { $0.contains(.connected) })
        // The answerer's ICE stops answering: no DTLS close_notify, no ICE goodbye.
        pair.answerer.ice.close()
        #expect(await pair.offererStates.wait(timeout: .seconds(90)) { $0.contains(.failed) })
        #expect(await pair.offerer.failure == .ice)
        await pair.close()
    }
}
