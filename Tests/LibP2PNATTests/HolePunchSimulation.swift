import LibP2PCore
import LibP2PNAT

/// Two DCUtR machines over a simulated relay, with a simulated clock and a simulated network
/// for the direct dials: the initiator (`B`) and one responder (`A`) per stream, exchanging
/// the bytes they write with a one-way relay delay. No sockets, no sleeping.
///
/// The network punches a hole when both sides dial within ``punchWindow`` of each other in a
/// round it allows (``punchableRounds``); a dial that finds no partner fails after
/// ``dialFailureDelay``. The unilateral dial succeeds when ``directlyReachable``.
struct HolePunchSimulation {
    enum Side: Hashable { case initiator, responder }

    enum Event {
        case streamOpened
        case bytes(to: Side, [UInt8], stream: Int)
        case closed(to: Side, stream: Int)
        case timer(Side, stream: Int)
        case dialResult(Side, stream: Int, success: Multiaddr?)
    }

    struct Dial: Equatable {
        var side: Side
        var at: NATInstant
        var addresses: [Multiaddr]
        var role: HolePunchDialRole
        var round: Int
    }

    var now = NATInstant.zero
    var relayDelay: Duration = .milliseconds(50)
    var punchWindow: Duration = .milliseconds(10)
    var dialFailureDelay: Duration = .milliseconds(300)
    var punchableRounds: Set<Int> = [1, 2, 3]
    var directlyReachable = false
    /// Responders that ignore everything (a peer that never answers).
    var silentResponder = false

    var initiator: HolePunchInitiator
    var responders: [HolePunchResponder] = []
    let responderAddresses: [Multiaddr]
    let responderConfiguration: HolePunchConfiguration

    private(set) var queue: [(at: NATInstant, seq: Int, event: Event)] = []
    private var seq = 0
    private(set) var dials: [Dial] = []
    private var resolvedDials: Set<Int> = []
    private(set) var initiatorOutcome: HolePunchOutcome?
    private(set) var initiatorFinishedAt: NATInstant?
    private(set) var responderOutcomes: [HolePunchOutcome] = []
    private(set) var streamsOpened = 0
    private(set) var initiatorWrites: [(NATInstant, HolePunchMessage)] = []

    init(
        initiatorAddresses: [Multiaddr], responderAddresses: [Multiaddr], responderListenAddresses: [Multiaddr] = [],
        configuration: HolePunchConfiguration
    ) {
        initiator = HolePunchInitiator(
            localAddresses: initiatorAddresses, remoteListenAddresses: responderListenAddresses, configuration: configuration
        )
        self.responderAddresses = responderAddresses
        responderConfiguration = configuration
    }

    /// Runs until both sides are quiet (or a step bound is hit).
    mutating func run() {
        perform(initiator.start(now: now), side: .initiator, stream: 0)
        var steps = 0
        while !queue.isEmpty && steps < 10_000 {
            steps += 1
            let next = queue.indices.min { (queue[$0].at, queue[$0].seq) < (queue[$1].at, queue[$1].seq) }!
            let (time, _, event) = queue.remove(at: next)
            now = max(now, time)
            dispatch(event)
        }
    }

    private mutating func schedule(_ event: Event, at time: NATInstant) {
        seq += 1
        queue.append((time, seq, event))
    }

    private var currentStream: Int { responders.count - 1 }

    private mutating func dispatch(_ event: Event) {
        switch event {
        case .streamOpened:
            streamsOpened += 1
            responders.append(HolePunchResponder(localAddresses: responderAddresses, configuration: responderConfiguration))
            if !silentResponder {
                let stream = currentStream
                perform(responders[stream].start(now: now), side: .responder, stream: stream)
            }
            perform(initiator.streamOpened(now: now), side: .initiator, stream: currentStream)
        case .bytes(.responder, let bytes, let stream):
            guard !silentResponder else { return }
            perform(responders[stream].receive(bytes, now: now), side: .responder, stream: stream)
        case .bytes(.initiator, let bytes, let stream):
            guard stream == currentStream else { return }
            perform(initiator.receive(bytes, now: now), side: .initiator, stream: stream)
        case .closed(.responder, let stream):
            guard !silentResponder else { return }
            perform(responders[stream].streamClosed(now: now), side: .responder, stream: stream)
        case .closed(.initiator, let stream):
            guard stream == currentStream else { return }
            perform(initiator.streamClosed(now: now), side: .initiator, stream: stream)
        case .timer(.initiator, let stream):
            perform(initiator.timerFired(now: now), side: .initiator, stream: stream)
        case .timer(.responder, let stream):
            perform(responders[stream].timerFired(now: now), side: .responder, stream: stream)
        case .dialResult(.initiator, let stream, let success):
            let actions = success.map { initiator.dialSucceeded($0, now: now) } ?? initiator.dialFailed(now: now)
            perform(actions, side: .initiator, stream: stream)
        case .dialResult(.responder, let stream, let success):
            let actions = success.map { responders[stream].dialSucceeded($0, now: now) }
                ?? responders[stream].dialFailed(now: now)
            perform(actions, side: .responder, stream: stream)
        }
    }

    private mutating func perform(_ actions: [HolePunchAction], side: Side, stream: Int) {
        let other: Side = side == .initiator ? .responder : .initiator
        for action in actions {
            switch action {
            case .openStream:
                schedule(.streamOpened, at: now)
            case .write(let bytes):
                if side == .initiator, let message = Self.decodeAll(bytes).first { initiatorWrites.append((now, message)) }
                schedule(.bytes(to: other, bytes, stream: stream), at: now + relayDelay)
            case .closeStream:
                schedule(.closed(to: other, stream: stream), at: now + relayDelay)
            case .wait(let until):
                schedule(.timer(side, stream: stream), at: until)
            case .dial(let addresses, let role):
                dial(Dial(side: side, at: now, addresses: addresses, role: role, round: initiator.attempts), stream: stream)
            case .cancelDials:
                break
            case .finished(let outcome):
                if side == .initiator {
                    (initiatorOutcome, initiatorFinishedAt) = (outcome, now)
                } else {
                    responderOutcomes.append(outcome)
                }
            }
        }
    }

    private mutating func dial(_ dial: Dial, stream: Int) {
        dials.append(dial)
        let index = dials.count - 1
        if dial.round == 0 {  // the unilateral dial, before any round
            let result = directlyReachable ? dial.addresses.first : nil
            let delay = directlyReachable ? relayDelay : dialFailureDelay
            schedule(.dialResult(.initiator, stream: stream, success: result), at: now + delay)
            resolvedDials.insert(index)
            return
        }
        let partner = dials.indices.first { other in
            other != index && !resolvedDials.contains(other) && dials[other].side != dial.side
                && dials[other].round == dial.round && dials[other].at - dial.at <= punchWindow
                && dial.at - dials[other].at <= punchWindow
        }
        if let partner, punchableRounds.contains(dial.round) {
            resolvedDials.formUnion([index, partner])
            let connectedAt = now + relayDelay
            for (i, s) in [(index, stream), (partner, stream)] {
                let d = dials[i]
                // Each side reports the address it dialled.
                schedule(.dialResult(d.side, stream: s, success: d.addresses.first), at: connectedAt)
            }
        } else {
            schedule(.dialResult(dial.side, stream: stream, success: nil), at: now + dialFailureDelay)
        }
    }

    static func decodeAll(_ bytes: [UInt8]) -> [HolePunchMessage] {
        var decoder = MessageFraming.decoder(maxLength: HolePunchProtocol.maxMessageSize)
        decoder.append(bytes)
        var messages: [HolePunchMessage] = []
        while let payload = try? decoder.next(), let message = try? HolePunchMessage.decode(payload) { messages.append(message) }
        return messages
    }
}
