import LibP2PCore

/// The DCUtR initiator: the spec's `B`, the peer that accepted the relayed connection (the
/// one behind a NAT that advertises relay addresses). It opens the `/libp2p/dcutr` stream,
/// measures the relay's RTT, sends `SYNC` and dials after RTT/2 as the server of a
/// simultaneous open; it retries up to ``HolePunchConfiguration/maxAttempts`` rounds.
///
/// ```
///  start ──[peer has public addresses]──▶ unilateralDial ──dialSucceeded──▶ finished(connected)
///    │                                         │ dialFailed / timeout
///    ▼                                         ▼
///  openingStream ◀───────────── retry (attempt < max) ◀─────────────────┐
///    │ streamOpened: write CONNECT(our addresses), t0 = now             │
///    ▼                                                                  │
///  awaitingConnect ──CONNECT at t1──▶ write SYNC, close stream,         │
///    │ timeout / SYNC / closed       wait until t1 + (t1 - t0) / 2      │
///    ▼                                   ▼                              │
///  finished(failed)                  syncWait ──timer──▶ dial(server role) ──▶ dialing
///                                                                       │
///           dialSucceeded ◀─────────────────────────────────────────────┤ dialFailed / timeout
///                 ▼                                                     └─▶ (attempts left? retry : finished(dialsFailed))
///        finished(connected)
/// ```
///
/// A direct connection reported at any point (``dialSucceeded(_:now:)``, for instance the
/// peer's dial arriving first) ends the machine with success. Protocol errors (a stream that
/// cannot be opened or closes early, a malformed or out-of-turn message, a timeout waiting for
/// `CONNECT`) give up at once, as go-libp2p does; only failed dials are retried.
/// Pure: bytes, time and shell events in, ``HolePunchAction``s out.
public struct HolePunchInitiator: Sendable {
    private enum State: Sendable {
        case idle
        case unilateralDial(deadline: NATInstant)
        case retryWait(until: NATInstant)
        case openingStream
        case awaitingConnect(sentAt: NATInstant, deadline: NATInstant)
        case syncWait(dialAt: NATInstant, addresses: [Multiaddr])
        case dialing(deadline: NATInstant)
        case finished
    }

    /// The timings and limits.
    public let configuration: HolePunchConfiguration
    /// Our addresses, sent in every `CONNECT` (already filtered, see ``HolePunchAddressFilter``).
    public let localAddresses: [Multiaddr]
    /// The peer's own addresses from Identify, tried in the unilateral upgrade.
    public let remoteListenAddresses: [Multiaddr]

    private var state: State = .idle
    private var decoder = MessageFraming.decoder(maxLength: HolePunchProtocol.maxMessageSize)
    /// The DCUtR rounds started so far (1 during the first).
    public private(set) var attempts = 0
    /// The relay RTT measured in the latest round.
    public private(set) var lastRoundTrip: Duration?

    /// An initiator that has not started.
    ///
    /// - Parameters:
    ///   - localAddresses: Our addresses worth sending.
    ///   - remoteListenAddresses: The peer's addresses from Identify (may be empty).
    ///   - configuration: Timings and limits.
    public init(
        localAddresses: [Multiaddr], remoteListenAddresses: [Multiaddr] = [],
        configuration: HolePunchConfiguration = HolePunchConfiguration()
    ) {
        self.localAddresses = localAddresses
        self.remoteListenAddresses = remoteListenAddresses
        self.configuration = configuration
    }

    /// Whether the machine has finished.
    public var isFinished: Bool {
        if case .finished = state { return true }
        return false
    }

    /// Starts: a unilateral dial if the peer advertises addresses worth dialling, otherwise
    /// the first DCUtR round.
    public mutating func start(now: NATInstant) -> [HolePunchAction] {
        guard case .idle = state else { return [] }
        let direct = filter.dialable(remoteListenAddresses)
        if configuration.tryUnilateralUpgrade && !direct.isEmpty {
            let deadline = now + configuration.unilateralDialTimeout
            state = .unilateralDial(deadline: deadline)
            return [.dial(direct, role: .client), .wait(until: deadline)]
        }
        return beginRound(now: now)
    }

    /// The stream asked for by ``HolePunchAction/openStream`` is open: `CONNECT` goes out and
    /// the RTT clock starts.
    public mutating func streamOpened(now: NATInstant) -> [HolePunchAction] {
        guard case .openingStream = state else { return [] }
        decoder = MessageFraming.decoder(maxLength: HolePunchProtocol.maxMessageSize)
        let deadline = now + configuration.connectTimeout
        state = .awaitingConnect(sentAt: now, deadline: deadline)
        return [.write(HolePunchMessage.connect(localAddresses).framedBytes()), .wait(until: deadline)]
    }

    /// The stream could not be opened.
    public mutating func streamOpenFailed(now: NATInstant) -> [HolePunchAction] {
        guard case .openingStream = state else { return [] }
        return finish(.failed(.streamOpenFailed))
    }

    /// Bytes arrived on the current stream (any split of the framed messages).
    public mutating func receive(_ bytes: [UInt8], now: NATInstant) -> [HolePunchAction] {
        guard case .awaitingConnect(let sentAt, _) = state else { return [] }
        decoder.append(bytes)
        let message: HolePunchMessage
        do {
            guard let next = try decoder.nextHolePunchMessage() else { return [] }
            message = next
        } catch {
            return [.closeStream] + finish(.failed(.malformedMessage(error)))
        }
        guard message.kind == .connect else {
            return [.closeStream] + finish(.failed(.unexpectedMessage(message.kind)))
        }
        let addresses = filter.dialable(message.addresses)
        guard !addresses.isEmpty else {
            return [.closeStream] + finish(.failed(.noRemoteAddresses))
        }
        let roundTrip = max(.zero, now - sentAt)
        lastRoundTrip = roundTrip
        let dialAt = now + roundTrip / 2
        state = .syncWait(dialAt: dialAt, addresses: addresses)
        return [.write(HolePunchMessage.sync.framedBytes()), .closeStream, .wait(until: dialAt)]
    }

    /// The peer closed or reset the stream.
    public mutating func streamClosed(now: NATInstant) -> [HolePunchAction] {
        guard case .awaitingConnect = state else { return [] }
        return finish(.failed(.streamClosed))
    }

    /// A wait asked for with ``HolePunchAction/wait(until:)`` is over (early calls are ignored).
    public mutating func timerFired(now: NATInstant) -> [HolePunchAction] {
        switch state {
        case .unilateralDial(let deadline) where now >= deadline:
            return [.cancelDials] + beginRound(now: now)
        case .retryWait(let until) where now >= until:
            state = .openingStream
            return [.openStream]
        case .awaitingConnect(_, let deadline) where now >= deadline:
            return [.closeStream] + finish(.failed(.timedOut(waitingFor: .connect)))
        case .syncWait(let dialAt, let addresses) where now >= dialAt:
            let deadline = now + configuration.dialTimeout
            state = .dialing(deadline: deadline)
            return [.dial(addresses, role: .simultaneousOpenServer), .wait(until: deadline)]
        case .dialing(let deadline) where now >= deadline:
            return [.cancelDials] + roundFailed(now: now)
        default:
            return []
        }
    }

    /// A direct connection to the peer exists (our dial, or the peer's, succeeded).
    public mutating func dialSucceeded(_ address: Multiaddr, now: NATInstant) -> [HolePunchAction] {
        switch state {
        case .idle, .finished: return []
        case .unilateralDial: return [.cancelDials] + finish(.connected(address, attempts: 0))
        case .awaitingConnect: return [.cancelDials, .closeStream] + finish(.connected(address, attempts: attempts))
        default: return [.cancelDials] + finish(.connected(address, attempts: attempts))
        }
    }

    /// Every dial of the current round failed.
    public mutating func dialFailed(now: NATInstant) -> [HolePunchAction] {
        switch state {
        case .unilateralDial: return beginRound(now: now)
        case .dialing: return roundFailed(now: now)
        default: return []
        }
    }

    private var filter: HolePunchAddressFilter { HolePunchAddressFilter(policy: configuration.addressPolicy) }

    private mutating func beginRound(now: NATInstant) -> [HolePunchAction] {
        guard !localAddresses.isEmpty else { return finish(.failed(.noLocalAddresses)) }
        attempts += 1
        if attempts > 1 && configuration.retryDelay > .zero {
            let until = now + configuration.retryDelay
            state = .retryWait(until: until)
            return [.wait(until: until)]
        }
        state = .openingStream
        return [.openStream]
    }

    private mutating func roundFailed(now: NATInstant) -> [HolePunchAction] {
        guard attempts < configuration.maxAttempts else { return finish(.failed(.dialsFailed(attempts: attempts))) }
        return beginRound(now: now)
    }

    private mutating func finish(_ outcome: HolePunchOutcome) -> [HolePunchAction] {
        state = .finished
        return [.finished(outcome)]
    }
}
