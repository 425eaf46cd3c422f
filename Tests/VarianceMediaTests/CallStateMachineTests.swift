import VarianceProtos
import Testing
@testable import VarianceMedia

/// Two call lines, Alice's and Bob's, passing signals to each other as the engine would
/// (signing and the DM channel left out), with a shared clock.
struct CallPair {
    var alice = CallLine()
    var bob = CallLine()
    var now: Duration = .zero
    /// Everything each side was told, in order.
    var aliceLog: [CallAction] = []
    var bobLog: [CallAction] = []

    static let callID: [UInt8] = [0xCA, 0x11]

    static func description(_ name: String) -> CallSessionDescription {
        CallSessionDescription(
            dtlsFingerprintSHA256: [UInt8](repeating: name == "alice" ? 0xA1 : 0xB0, count: 32),
            iceUsernameFragment: "\(name)-ufrag", icePassword: "\(name)-password-0123456789ab", sdp: "v=0 \(name)",
            video: true)
    }

    var aliceState: CallState? { alice.current?.state }
    var bobState: CallState? { bob.current?.state }

    /// Delivers each sent signal to the other side until nothing more is sent. Signals also
    /// go through SignedCallSignal with a toy signature, as they would on the wire.
    mutating func deliver(_ actions: [CallAction], from sender: String) {
        if sender == "alice" { aliceLog += actions } else { bobLog += actions }
        for case .send(let signal) in actions {
            let context = Array("\(sender)->peer".utf8)
            let signed = try! Variance_SignedCallSignal(signing: signal, context: context) { $0.reversed() }
            let received = try! signed.verifiedSignal(context: context) { message, signature in message.reversed() == signature }
            if sender == "alice" {
                deliver(bob.receive(received, from: Array("alice".utf8), now: now), from: "bob")
            } else {
                deliver(alice.receive(received, from: Array("bob".utf8), now: now), from: "alice")
            }
        }
    }

    mutating func aliceCalls() {
        deliver(alice.placeCall(callID: Self.callID, to: Array("bob".utf8), local: Self.description("alice"), now: now)!, from: "alice")
    }

    mutating func alice(_ event: CallEvent) { deliver(alice.handle(event, now: now), from: "alice") }
    mutating func bob(_ event: CallEvent) { deliver(bob.handle(event, now: now), from: "bob") }

    mutating func advance(_ duration: Duration) {
        now += duration
        alice(.tick)
        bob(.tick)
    }

    /// Rings, answers, and connects.
    mutating func establish() {
        aliceCalls()
        advance(.seconds(3))
        bob(.localAccept(Self.description("bob")))
        alice(.iceConnected)
        bob(.iceConnected)
    }
}

@Suite struct CallStateMachineTests {
    @Test func acceptedCallBecomesActive() {
        var pair = CallPair()
        pair.aliceCalls()
        #expect(pair.aliceState == .ringing && pair.bobState == .ringing)
        #expect(pair.bob.current?.remoteDescription == CallPair.description("alice"))
        #expect(pair.bobLog == [.stateChanged(.ringing)])

        // Alice trickles a candidate while it rings: Bob holds it until he accepts.
        let candidate = ICECandidate(candidate: "candidate:1 1 UDP 2130706431 192.0.2.1 5000 typ host")
        pair.alice(.localCandidate(candidate))
        #expect(pair.bobLog.count == 1)

        pair.advance(.seconds(5))
        pair.bob(.localAccept(CallPair.description("bob")))
        #expect(pair.aliceState == .connecting && pair.bobState == .connecting)
        #expect(pair.bobLog.suffix(3) == [
            .stateChanged(.connecting), .startTransport(remote: CallPair.description("alice")), .addRemoteCandidate(candidate),
        ])
        #expect(pair.aliceLog.contains(.startTransport(remote: CallPair.description("bob"))))
        #expect(pair.alice.current?.dtlsRole == .server && pair.bob.current?.dtlsRole == .client)

        // Bob's candidates now go straight to Alice's agent.
        let bobCandidate = ICECandidate(candidate: "candidate:2 1 UDP 1694498815 198.51.100.7 6000 typ srflx", endOfCandidates: true)
        pair.bob(.localCandidate(bobCandidate))
        #expect(pair.aliceLog.last == .addRemoteCandidate(bobCandidate))

        pair.alice(.iceConnected)
        pair.bob(.iceConnected)
        #expect(pair.aliceState == .active && pair.bobState == .active)
        // Long calls stay up while media flows.
        for _ in 0..<10 {
            pair.now += .seconds(20)
            pair.alice(.mediaReceived)
            pair.bob(.mediaReceived)
            pair.advance(.zero)
        }
        #expect(pair.aliceState == .active && pair.bobState == .active)
    }

    @Test func rejectedCall() {
        var pair = CallPair()
        pair.aliceCalls()
        pair.bob(.localReject)
        #expect(pair.aliceState == .ended(.rejected) && pair.bobState == .ended(.rejected))
        #expect(pair.aliceLog.last == .stateChanged(.ended(.rejected)))
    }

    @Test func replayedOfferDoesNotRingAgain() {
        var pair = CallPair()
        pair.aliceCalls()
        guard case .send(let offer)? = pair.aliceLog.first(where: { if case .send = $0 { true } else { false } }) else {
            Issue.record("no offer")
            return
        }
        pair.bob(.localReject)
        // The same signed offer, replayed after the call ended, and after another call.
        #expect(pair.bob.receive(offer, from: Array("alice".utf8), now: pair.now).isEmpty)
        var carol = CallLine()
        guard case .send(let carolOffer)? = carol.placeCall(callID: [0xC0], to: Array("bob".utf8), local: CallPair.description("carol"), now: .zero)?.first
        else { return }
        #expect(pair.bob.receive(carolOffer, from: Array("carol".utf8), now: pair.now) == [.stateChanged(.ringing)])
        #expect(pair.bob.handle(.localHangup, now: pair.now).contains(.stateChanged(.ended(.hungUp))))
        #expect(pair.bob.receive(offer, from: Array("alice".utf8), now: pair.now).isEmpty)
        #expect(pair.bob.current?.callID == [0xC0])
    }

    @Test func busyWhenAlreadyInACall() {
        var pair = CallPair()
        pair.establish()
        // Carol calls Bob, who is talking to Alice.
        var carol = CallLine()
        let offer = carol.placeCall(callID: [0xC0], to: Array("bob".utf8), local: CallPair.description("carol"), now: pair.now)!
        guard case .send(let signal) = offer.first else {
            Issue.record("no offer sent")
            return
        }
        let reply = pair.bob.receive(signal, from: Array("carol".utf8), now: pair.now)
        #expect(reply == [.send(.busy(callID: [0xC0]))])
        guard case .send(let busy) = reply.first else { return }
        #expect(carol.receive(busy, from: Array("bob".utf8), now: pair.now) == [.stateChanged(.ended(.busy))])
        #expect(carol.current?.state == .ended(.busy))
        // Bob's call with Alice is untouched; Carol's line is free again, for one call.
        #expect(pair.bobState == .active)
        #expect(carol.placeCall(callID: [0xC1], to: Array("bob".utf8), local: CallPair.description("carol"), now: pair.now) != nil)
        #expect(carol.placeCall(callID: [0xC2], to: Array("bob".utf8), local: CallPair.description("carol"), now: pair.now) == nil)
    }

    @Test func noAnswerAfter45Seconds() {
        var pair = CallPair()
        pair.aliceCalls()
        pair.advance(.seconds(44))
        #expect(pair.aliceState == .ringing && pair.bobState == .ringing)
        pair.advance(.seconds(1))
        #expect(pair.aliceState == .ended(.noAnswer) && pair.bobState == .ended(.noAnswer))
        // A late answer changes nothing.
        pair.bob(.localAccept(CallPair.description("bob")))
        #expect(pair.aliceState == .ended(.noAnswer) && pair.bobState == .ended(.noAnswer))
    }

    @Test func callerCancelsWhileRinging() {
        var pair = CallPair()
        pair.aliceCalls()
        pair.alice(.localHangup)
        #expect(pair.aliceState == .ended(.hungUp) && pair.bobState == .ended(.hungUp))
    }

    @Test(arguments: ["alice", "bob"])
    func eitherSideHangsUp(who: String) {
        var pair = CallPair()
        pair.establish()
        if who == "alice" { pair.alice(.localHangup) } else { pair.bob(.localHangup) }
        #expect(pair.aliceState == .ended(.hungUp) && pair.bobState == .ended(.hungUp))
        // Nothing more happens after the end.
        pair.advance(.seconds(100))
        #expect(pair.aliceLog.filter { if case .stateChanged(.ended) = $0 { true } else { false } }.count == 1)
    }

    @Test func iceFailureWhileConnecting() {
        var pair = CallPair()
        pair.aliceCalls()
        pair.bob(.localAccept(CallPair.description("bob")))
        pair.alice(.iceFailed)
        #expect(pair.aliceState == .ended(.iceFailed) && pair.bobState == .ended(.iceFailed))
    }

    @Test func iceTimeoutWhileConnecting() {
        var pair = CallPair()
        pair.aliceCalls()
        pair.bob(.localAccept(CallPair.description("bob")))
        pair.advance(.seconds(29))
        #expect(pair.aliceState == .connecting)
        pair.advance(.seconds(1))
        #expect(pair.aliceState == .ended(.iceFailed) && pair.bobState == .ended(.iceFailed))
    }

    @Test func iceFailureDuringTheCall() {
        var pair = CallPair()
        pair.establish()
        pair.bob(.iceFailed)
        #expect(pair.aliceState == .ended(.iceFailed) && pair.bobState == .ended(.iceFailed))
    }

    @Test func peerGoneWhenMediaStops() {
        var pair = CallPair()
        pair.establish()
        pair.now += .seconds(10)
        pair.alice(.mediaReceived)
        // Bob's machine hears nothing for 30 s (Alice's device vanished).
        pair.now += .seconds(20)
        pair.bob(.tick)
        #expect(pair.bobState == .ended(.peerGone))
        // The hangup it sent (if it gets through) ends Alice's side the same way.
        #expect(pair.aliceState == .ended(.peerGone))

        var other = CallPair()
        other.establish()
        other.alice(.peerGone)
        #expect(other.aliceState == .ended(.peerGone))
    }

    @Test func ourMediaProcessExitingEndsTheCallAndTellsThePeer() {
        var pair = CallPair()
        pair.establish()
        pair.alice(.mediaProcessExited)
        #expect(pair.aliceState == .ended(.mediaProcessExited))
        // The peer hears a hangup: to it, our side is gone.
        #expect(pair.bobState == .ended(.peerGone))
        // After the end it changes nothing.
        pair.alice(.mediaProcessExited)
        #expect(pair.aliceState == .ended(.mediaProcessExited))
    }

    @Test func foreignAndOutOfStateSignalsAreIgnored() {
        var machine = CallStateMachine(callID: [1], role: .caller)
        // An answer before any offer, and a signal for another call.
        var answer = Variance_CallSignal.answer(callID: [1], CallPair.description("bob"))
        #expect(machine.handle(.remoteSignal(answer), now: .zero).isEmpty)
        _ = machine.handle(.localStart(CallPair.description("alice")), now: .zero)
        answer.callID = .init([2])
        #expect(machine.handle(.remoteSignal(answer), now: .zero).isEmpty)
        // An answer without a usable transport is refused.
        var empty = Variance_CallSignal.answer(callID: [1], CallPair.description("bob"))
        empty.answer.transport.dtlsFingerprintSha256 = .init()
        #expect(machine.handle(.remoteSignal(empty), now: .zero).isEmpty)
        #expect(machine.state == .ringing)
        // A caller cannot accept, and a callee cannot start.
        #expect(machine.handle(.localAccept(CallPair.description("alice")), now: .zero).isEmpty)
        var callee = CallStateMachine(callID: [1], role: .callee)
        #expect(callee.handle(.localStart(CallPair.description("bob")), now: .zero).isEmpty)
        #expect(callee.state == .idle)
    }

    @Test func signalsForTheCallFromSomeoneElseAreIgnored() {
        var pair = CallPair()
        pair.establish()
        let forged = Variance_CallSignal.hangup(callID: CallPair.callID, .hungUp)
        #expect(pair.bob.receive(forged, from: Array("mallory".utf8), now: pair.now).isEmpty)
        #expect(pair.bobState == .active)
    }

    @Test(arguments: [([UInt8]([1]), [UInt8]([2])), ([UInt8]([2]), [UInt8]([1]))])
    func glareKeepsTheCallWithTheGreaterID(aliceID: [UInt8], bobID: [UInt8]) {
        var alice = CallLine()
        var bob = CallLine()
        let alicePeer = Array("alice".utf8)
        let bobPeer = Array("bob".utf8)
        // Both place calls before either offer arrives.
        let aliceOffer = alice.placeCall(callID: aliceID, to: bobPeer, local: CallPair.description("alice"), now: .zero)!
        let bobOffer = bob.placeCall(callID: bobID, to: alicePeer, local: CallPair.description("bob"), now: .zero)!
        var toBob: [Variance_CallSignal] = aliceOffer.compactMap { if case .send(let s) = $0 { s } else { nil } }
        var toAlice: [Variance_CallSignal] = bobOffer.compactMap { if case .send(let s) = $0 { s } else { nil } }
        // Deliver crosswise until quiet.
        while !toBob.isEmpty || !toAlice.isEmpty {
            let forBob = toBob
            let forAlice = toAlice
            toBob = []
            toAlice = []
            for signal in forBob {
                toAlice += bob.receive(signal, from: alicePeer, now: .zero).compactMap { if case .send(let s) = $0 { s } else { nil } }
            }
            for signal in forAlice {
                toBob += alice.receive(signal, from: bobPeer, now: .zero).compactMap { if case .send(let s) = $0 { s } else { nil } }
            }
        }
        let winner = max(aliceID[0], bobID[0])
        #expect(alice.current?.callID == [winner] && bob.current?.callID == [winner])
        #expect(alice.current?.state == .ringing && bob.current?.state == .ringing)
        // The winner's caller keeps calling; the other side rings as callee and can accept.
        let callee = aliceID[0] == winner ? bob : alice
        #expect(callee.current?.role == .callee)
    }

    @Test func heldCandidatesAreBounded() {
        var pair = CallPair()
        pair.aliceCalls()
        for index in 0..<200 { pair.alice(.localCandidate(ICECandidate(candidate: "candidate:\(index)"))) }
        pair.bob(.localAccept(CallPair.description("bob")))
        let added = pair.bobLog.filter { if case .addRemoteCandidate = $0 { true } else { false } }
        #expect(added.count == CallStateMachine.maximumHeldCandidates)
    }

    @Test func signaturesCoverDomainContextAndSignal() throws {
        let signal = Variance_CallSignal.busy(callID: [1])
        // A toy signature: the message reversed.
        let signed = try Variance_SignedCallSignal(signing: signal, context: [0xA, 0xB]) { $0.reversed() }
        let verify: ([UInt8], [UInt8]) -> Bool = { message, signature in message.reversed() == signature }
        #expect(try signed.verifiedSignal(context: [0xA, 0xB], verify) == signal)
        #expect(Array(signed.signature).reversed().starts(with: Variance_SignedCallSignal.signingDomain))
        // Another conversation's context, a tampered signal, or a bad signature: refused.
        #expect(throws: CallSignalError.badSignature) { try signed.verifiedSignal(context: [0xA, 0xC], verify) }
        var tampered = signed
        tampered.signal.append(0)
        #expect(throws: CallSignalError.badSignature) { try tampered.verifiedSignal(context: [0xA, 0xB], verify) }
        #expect(throws: CallSignalError.badSignature) { try signed.verifiedSignal(context: [0xA, 0xB]) { _, _ in false } }
        // Verified but undecodable bytes.
        var garbage = Variance_SignedCallSignal()
        garbage.signal = .init([0xFF, 0xFF, 0xFF])
        #expect(throws: CallSignalError.malformed) { try garbage.verifiedSignal(context: []) { _, _ in true } }
    }
}
