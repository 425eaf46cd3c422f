import LibP2PCore
import LibP2PNAT
import Testing

@Suite struct HolePunchPairTests {
    let bAddresses = [ma("/ip4/93.184.216.34/tcp/4001"), ma("/ip4/93.184.216.34/udp/4001/quic-v1")]
    let aAddresses = [ma("/ip4/198.41.0.4/tcp/5001")]

    private func simulation(configure: (inout HolePunchConfiguration) -> Void = { _ in }) -> HolePunchSimulation {
        var configuration = HolePunchConfiguration()
        configure(&configuration)
        return HolePunchSimulation(initiatorAddresses: bAddresses, responderAddresses: aAddresses, configuration: configuration)
    }

    @Test func bothSidesDialAtTheSameInstant() throws {
        var sim = simulation()
        sim.run()
        // B: CONNECT at 0; A answers at 50; B gets it at 100 (RTT 100 ms), sends SYNC and dials
        // at 100 + 50; A gets SYNC at 150 and dials at once.
        #expect(sim.initiatorWrites.map(\.0) == [at(0), at(100)])
        #expect(sim.initiatorWrites.map(\.1) == [.connect(bAddresses), .sync])
        #expect(sim.initiator.lastRoundTrip == .milliseconds(100))
        try #require(sim.dials.count == 2)
        let a = try #require(sim.dials.first { $0.side == .responder })
        let b = try #require(sim.dials.first { $0.side == .initiator })
        #expect(a.at == at(150))
        #expect(b.at == at(150))
        #expect(a.role == .client)
        #expect(b.role == .simultaneousOpenServer)
        #expect(a.addresses == bAddresses)
        #expect(b.addresses == aAddresses)
        #expect(sim.initiatorOutcome == .connected(aAddresses[0], attempts: 1))
        #expect(sim.responderOutcomes == [.connected(bAddresses[0], attempts: 1)])
        #expect(sim.streamsOpened == 1)
    }

    @Test(arguments: [10, 80, 333])
    func dialsStaySynchronousWhateverTheRelayDelay(_ delay: Int) throws {
        var sim = simulation()
        sim.relayDelay = .milliseconds(Int64(delay))
        sim.run()
        let times = Set(sim.dials.map(\.at))
        #expect(times == [at(Int64(3 * delay))])
        #expect(sim.initiator.lastRoundTrip == .milliseconds(Int64(2 * delay)))
        #expect(sim.initiatorOutcome == .connected(aAddresses[0], attempts: 1))
    }

    @Test func retriesWithANewExchangeEachRound() throws {
        var sim = simulation()
        sim.punchableRounds = [3]
        sim.run()
        #expect(sim.streamsOpened == 3)
        #expect(sim.initiatorOutcome == .connected(aAddresses[0], attempts: 3))
        #expect(sim.responderOutcomes == [
            .failed(.dialsFailed(attempts: 1)), .failed(.dialsFailed(attempts: 1)), .connected(bAddresses[0], attempts: 1),
        ])
        // Each round re-measures the RTT and sends CONNECT then SYNC again.
        let round: [HolePunchMessage] = [.connect(bAddresses), .sync]
        #expect(sim.initiatorWrites.map(\.1) == round + round + round)
        #expect(sim.dials.filter { $0.side == .initiator }.map(\.round) == [1, 2, 3])
    }

    @Test func givesUpAfterThreeFailedRounds() {
        var sim = simulation()
        sim.punchableRounds = []
        sim.run()
        #expect(sim.streamsOpened == 3)
        #expect(sim.initiatorOutcome == .failed(.dialsFailed(attempts: 3)))
        #expect(sim.responderOutcomes.count == 3)
    }

    @Test func roundTimesOutWhenDialsHang() {
        var sim = simulation { $0.maxAttempts = 2 }
        sim.punchableRounds = []
        sim.dialFailureDelay = .seconds(60)  // dials never report: the 5 s deadline ends the round
        sim.run()
        #expect(sim.initiatorOutcome == .failed(.dialsFailed(attempts: 2)))
        #expect(sim.streamsOpened == 2)
        #expect(sim.responderOutcomes == [.failed(.dialsFailed(attempts: 1)), .failed(.dialsFailed(attempts: 1))])
    }

    @Test func honoursARetryDelay() throws {
        var sim = simulation { $0.retryDelay = .seconds(2) }
        sim.punchableRounds = [2]
        sim.run()
        #expect(sim.initiatorOutcome == .connected(aAddresses[0], attempts: 2))
        // Round 1: dials at 150, fail at 450; round 2 starts at 2450.
        #expect(sim.initiatorWrites.map(\.0) == [at(0), at(100), at(2450), at(2550)])
    }

    @Test func upgradesUnilaterallyWhenThePeerIsPublic() {
        var configuration = HolePunchConfiguration()
        configuration.maxAttempts = 3
        var sim = HolePunchSimulation(
            initiatorAddresses: bAddresses, responderAddresses: aAddresses, responderListenAddresses: aAddresses,
            configuration: configuration
        )
        sim.directlyReachable = true
        sim.run()
        #expect(sim.initiatorOutcome == .connected(aAddresses[0], attempts: 0))
        #expect(sim.streamsOpened == 0)
        #expect(sim.dials.map(\.role) == [.client])
    }

    @Test func fallsBackToHolePunchingWhenTheUnilateralDialFails() {
        var sim = HolePunchSimulation(
            initiatorAddresses: bAddresses, responderAddresses: aAddresses, responderListenAddresses: aAddresses,
            configuration: HolePunchConfiguration()
        )
        sim.run()
        #expect(sim.initiatorOutcome == .connected(aAddresses[0], attempts: 1))
        #expect(sim.streamsOpened == 1)
        // The round starts when the unilateral dial fails at 300 ms.
        #expect(sim.initiatorWrites.map(\.0) == [at(300), at(400)])
    }

    @Test func initiatorTimesOutWaitingForConnect() {
        var sim = simulation()
        sim.silentResponder = true
        sim.run()
        #expect(sim.initiatorOutcome == .failed(.timedOut(waitingFor: .connect)))
        #expect(sim.initiatorFinishedAt == at(10_000))
        #expect(sim.dials.isEmpty)
    }

    @Test func responderTimesOutWaitingForSync() {
        var responder = HolePunchResponder(localAddresses: aAddresses)
        #expect(responder.start(now: .zero) == [.wait(until: at(10_000))])
        let answer = responder.receive(HolePunchMessage.connect(bAddresses).framedBytes(), now: at(50))
        #expect(answer == [.write(HolePunchMessage.connect(aAddresses).framedBytes()), .wait(until: at(10_050))])
        #expect(responder.timerFired(now: at(10_049)).isEmpty)
        #expect(responder.timerFired(now: at(10_050)) == [.closeStream, .finished(.failed(.timedOut(waitingFor: .sync)))])
        #expect(responder.isFinished)
    }

    @Test func responderTakesConnectAndSyncInOnePieceOrByteByByte() {
        let stream = HolePunchMessage.connect(bAddresses).framedBytes() + HolePunchMessage.sync.framedBytes()
        var whole = HolePunchResponder(localAddresses: aAddresses)
        _ = whole.start(now: .zero)
        let actions = whole.receive(stream, now: at(5))
        #expect(actions == [
            .write(HolePunchMessage.connect(aAddresses).framedBytes()), .wait(until: at(10_005)),
            .closeStream, .dial(bAddresses, role: .client), .wait(until: at(5005)),
        ])
        var piecewise = HolePunchResponder(localAddresses: aAddresses)
        _ = piecewise.start(now: .zero)
        var collected: [HolePunchAction] = []
        for byte in stream { collected += piecewise.receive([byte], now: at(5)) }
        #expect(collected == actions)
        #expect(piecewise.dialSucceeded(bAddresses[0], now: at(9))
            == [.cancelDials, .finished(.connected(bAddresses[0], attempts: 1))])
    }

    @Test func outOfTurnAndMalformedMessagesEndTheExchange() {
        var responder = HolePunchResponder(localAddresses: aAddresses)
        _ = responder.start(now: .zero)
        #expect(responder.receive(HolePunchMessage.sync.framedBytes(), now: at(1))
            == [.closeStream, .finished(.failed(.unexpectedMessage(.sync)))])

        var garbage = HolePunchResponder(localAddresses: aAddresses)
        _ = garbage.start(now: .zero)
        #expect(garbage.receive([0x03, 0xFF, 0xFF, 0xFF], now: at(1))
            == [.closeStream, .finished(.failed(.malformedMessage(.malformed)))])

        var oversize = HolePunchResponder(localAddresses: aAddresses)
        _ = oversize.start(now: .zero)
        #expect(oversize.receive([0x81, 0x20], now: at(1))
            == [.closeStream, .finished(.failed(.malformedMessage(.messageTooLarge(size: 4097, limit: 4096))))])

        var initiator = HolePunchInitiator(localAddresses: bAddresses)
        #expect(initiator.start(now: .zero) == [.openStream])
        _ = initiator.streamOpened(now: .zero)
        #expect(initiator.receive(HolePunchMessage.sync.framedBytes(), now: at(1))
            == [.closeStream, .finished(.failed(.unexpectedMessage(.sync)))])

        var closed = HolePunchInitiator(localAddresses: bAddresses)
        _ = closed.start(now: .zero)
        _ = closed.streamOpened(now: .zero)
        #expect(closed.streamClosed(now: at(3)) == [.finished(.failed(.streamClosed))])

        var refused = HolePunchInitiator(localAddresses: bAddresses)
        _ = refused.start(now: .zero)
        #expect(refused.streamOpenFailed(now: at(1)) == [.finished(.failed(.streamOpenFailed))])
    }

    @Test func addressesNotWorthDiallingEndTheExchange() {
        // Only relayed or private addresses: nothing to dial on the internet.
        let useless = [ma("/ip4/10.0.0.5/tcp/1"), ma("/ip4/8.8.8.8/tcp/1/p2p/\(testPeer(4))/p2p-circuit")]
        var responder = HolePunchResponder(localAddresses: aAddresses)
        _ = responder.start(now: .zero)
        #expect(responder.receive(HolePunchMessage.connect(useless).framedBytes(), now: at(1))
            == [.closeStream, .finished(.failed(.noRemoteAddresses))])

        var initiator = HolePunchInitiator(localAddresses: bAddresses)
        _ = initiator.start(now: .zero)
        _ = initiator.streamOpened(now: .zero)
        #expect(initiator.receive(HolePunchMessage.connect(useless).framedBytes(), now: at(1))
            == [.closeStream, .finished(.failed(.noRemoteAddresses))])

        var nothingToOffer = HolePunchInitiator(localAddresses: [])
        #expect(nothingToOffer.start(now: .zero) == [.finished(.failed(.noLocalAddresses))])
        var silentA = HolePunchResponder(localAddresses: [])
        _ = silentA.start(now: .zero)
        #expect(silentA.receive(HolePunchMessage.connect(bAddresses).framedBytes(), now: at(1))
            == [.closeStream, .finished(.failed(.noLocalAddresses))])
    }

    @Test func privateAddressesWorkWhenAllowed() {
        var configuration = HolePunchConfiguration()
        configuration.addressPolicy = .includingPrivate
        var sim = HolePunchSimulation(
            initiatorAddresses: [ma("/ip4/10.0.1.2/tcp/4001")], responderAddresses: [ma("/ip4/10.0.2.2/tcp/4001")],
            configuration: configuration
        )
        sim.run()
        #expect(sim.initiatorOutcome == .connected(ma("/ip4/10.0.2.2/tcp/4001"), attempts: 1))
    }

    @Test func lateEventsAfterTheEndAreIgnored() {
        var initiator = HolePunchInitiator(localAddresses: bAddresses)
        _ = initiator.start(now: .zero)
        _ = initiator.streamOpened(now: .zero)
        _ = initiator.receive(HolePunchMessage.connect(aAddresses).framedBytes(), now: at(100))
        #expect(initiator.timerFired(now: at(149)).isEmpty)  // early
        #expect(initiator.timerFired(now: at(150)) == [.dial(aAddresses, role: .simultaneousOpenServer), .wait(until: at(5150))])
        #expect(initiator.dialSucceeded(aAddresses[0], now: at(200))
            == [.cancelDials, .finished(.connected(aAddresses[0], attempts: 1))])
        #expect(initiator.dialFailed(now: at(300)).isEmpty)
        #expect(initiator.timerFired(now: at(6000)).isEmpty)
        #expect(initiator.receive(HolePunchMessage.sync.framedBytes(), now: at(6001)).isEmpty)
        #expect(initiator.isFinished)
    }
}
