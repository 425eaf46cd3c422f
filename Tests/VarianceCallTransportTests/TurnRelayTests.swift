import Testing
import VarianceCallTransport

@Suite("MediaTransport through TURN")
struct TurnRelayTests {
    @Test("relay-only transports connect through coturn and exchange packets", .enabled(if: TurnServerProcess.isInstalled))
    func relayOnly() async throws {
        let turn = try TurnServerProcess()
        defer { turn.stop() }
        let server = IceConfiguration.TurnServer(
            url: "turn:127.0.0.1:\(turn.port)?transport=udp", username: turn.username, credential: turn.credential)
        let relayServer = try #require(server)
        func relayOnly(controlling: Bool) -> IceConfiguration {
            IceConfiguration(turnServers: [relayServer], relayOnly: true, controlling: controlling, hostAddresses: ["127.0.0.1"])
        }
        let offerer = try MediaTransport(ice: relayOnly(controlling: true))
        let answerer = try MediaTransport(ice: relayOnly(controlling: false))
        let offererStates = Watcher(offerer.states)
        let answererStates = Watcher(answerer.states)
        let answererPackets = Watcher(answerer.packets)
        let offererPackets = Watcher(offerer.packets)
        let offer = try await offerer.localParameters(setup: .actpass)
        let answer = try await answerer.localParameters(setup: .active)
        // Nothing but relayed candidates is ever signalled.
        #expect(!offer.candidates.isEmpty && !answer.candidates.isEmpty)
        #expect((offer.candidates + answer.candidates).allSatisfy { $0.kind == .relayed })
        try await answerer.start(remote: offer, localSetup: .active)
        try await offerer.start(remote: answer, localSetup: .actpass)

        #expect(await offererStates.wait(timeout: .seconds(30)) { $0.contains(.connected) })
        #expect(await answererStates.wait(timeout: .seconds(30)) { $0.contains(.connected) })
        let offererPair = offerer.ice.selectedPair()
        let answererPair = answerer.ice.selectedPair()
        #expect(offererPair?.local.kind == .relayed)
        #expect(offererPair?.remote.kind == .relayed)
        #expect(answererPair?.local.kind == .relayed)

        for sequence in 0..<10 {
            try await offerer.sendRTP(rtpPacket(payloadType: 111, sequence: UInt16(sequence), timestamp: 0, ssrc: 7, payload: [1, 2, 3]))
            try await answerer.sendRTP(rtpPacket(payloadType: 111, sequence: UInt16(sequence), timestamp: 0, ssrc: 8, payload: [4, 5, 6]))
        }
        try await offerer.sendRTCP(rtcpReceiverReport(ssrc: 7))
        #expect(await answererPackets.wait { $0.count >= 11 })
        #expect(await offererPackets.wait { $0.count >= 10 })
        await offerer.close()
        await answerer.close()
    }
}
