import VarianceProtos

/// One user's line: at most one call at a time, with one peer. Routes signals to the current
/// call by call ID and sender, and answers offers for other calls with `busy` while a call is
/// live.
///
/// Peers are named by opaque bytes the engine chooses (e.g. their identity keys); signals
/// for the current call from anyone but its peer are ignored.
///
/// Glare: when both sides call each other at once, each receives the other's offer while
/// its own rings. The call with the greater call ID (compared bytewise) survives on both
/// sides: the side whose own call ID is smaller hangs its call up and rings with the
/// incoming one (the engine may accept it at once, as the user already asked for this call);
/// the other side ignores the incoming offer.
///
/// The IDs of the last `rememberedCallCount` calls are kept, and an offer repeating one of
/// them is ignored, so a replayed (validly signed) offer does not ring again. Replays older
/// than that, or across restarts, must be stopped by the engine (e.g. by message age).
public struct CallLine: Sendable {
    /// How many past call IDs are remembered.
    public static let rememberedCallCount = 64
    private var recentCallIDs: [[UInt8]] = []

    /// The current or last call, if any.
    public private(set) var current: CallStateMachine?
    /// The peer of the current or last call.
    public private(set) var currentPeer: [UInt8]?
    /// Timeouts given to every call on this line.
    public let timeouts: CallStateMachine.Timeouts

    /// An idle line.
    public init(timeouts: CallStateMachine.Timeouts = .init()) {
        self.timeouts = timeouts
    }

    /// Whether a call is ringing, connecting or active.
    public var isBusy: Bool {
        guard let current else { return false }
        return !current.state.isEnded
    }

    /// Places a call to `peer`. Returns nil (and changes nothing) while another call is live.
    public mutating func placeCall(callID: [UInt8], to peer: [UInt8], local: CallSessionDescription, now: Duration) -> [CallAction]? {
        guard !isBusy else { return nil }
        var machine = CallStateMachine(callID: callID, role: .caller, timeouts: timeouts)
        let actions = machine.handle(.localStart(local), now: now)
        current = machine
        currentPeer = peer
        remember(callID)
        return actions
    }

    /// A verified signal from `peer`.
    public mutating func receive(_ signal: Variance_CallSignal, from peer: [UInt8], now: Duration) -> [CallAction] {
        let callID = Array(signal.callID)
        if var machine = current, machine.callID == callID {
            guard currentPeer == peer else { return [] }
            let actions = machine.handle(.remoteSignal(signal), now: now)
            current = machine
            return actions
        }
        guard case .offer = signal.body, !recentCallIDs.contains(callID) else { return [] }
        var yielded: [CallAction] = []
        if let machine = current, isBusy {
            let isGlare = currentPeer == peer && machine.role == .caller && machine.state == .ringing
            guard isGlare else { return [.send(.busy(callID: callID))] }
            // Both called each other: the greater call ID wins on both sides.
            guard machine.callID.lexicographicallyPrecedes(callID) else { return [] }
            yielded = handle(.localHangup, now: now)
        }
        var machine = CallStateMachine(callID: callID, role: .callee, timeouts: timeouts)
        let actions = machine.handle(.remoteSignal(signal), now: now)
        guard machine.state != .idle else { return yielded }  // an unusable offer
        current = machine
        currentPeer = peer
        remember(callID)
        return yielded + actions
    }

    /// A local or transport event for the current call.
    public mutating func handle(_ event: CallEvent, now: Duration) -> [CallAction] {
        guard var machine = current else { return [] }
        let actions = machine.handle(event, now: now)
        current = machine
        return actions
    }

    private mutating func remember(_ callID: [UInt8]) {
        recentCallIDs.append(callID)
        if recentCallIDs.count > Self.rememberedCallCount { recentCallIDs.removeFirst() }
    }
}
