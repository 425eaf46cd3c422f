import LibP2PCore

/// The DCUtR responder: the spec's `A`, the peer that dialled through the relay and receives
/// the `/libp2p/dcutr` stream. It answers `CONNECT` with its own addresses and dials the
/// moment `SYNC` arrives, as the client. One machine serves one stream (one round); the
/// initiator retries by opening a new stream.
///
/// ```
///  awaitingConnect ──CONNECT──▶ write CONNECT(our addresses) ──▶ awaitingSync
///    │ timeout / SYNC / closed                                      │ SYNC: close stream,
///    ▼                                                              │ dial(client role)
///  finished(failed) ◀── timeout / CONNECT / closed ─────────────────┤
///    ▲                                                              ▼
///    └──────────── dialFailed / timeout ◀───────────────────────── dialing
///                                                                   │ dialSucceeded
///                                                                   ▼
///                                                          finished(connected)
/// ```
///
/// A `CONNECT` without an address worth dialling, or our own lack of addresses, ends the
/// round before answering (as go-libp2p does). Pure: bytes, time and shell events in,
/// ``HolePunchAction``s out.
public struct HolePunchResponder: Sendable {
    private enum State: Sendable {
        case idle
        case awaitingConnect(deadline: NATInstant)
        case awaitingSync(addresses: [Multiaddr], deadline: NATInstant)
        case dialing(deadline: NATInstant)
        case finished
    }

    /// The timings and limits.
    public let configuration: HolePunchConfiguration
    /// Our addresses, sent in the answering `CONNECT` (already filtered, see
    /// ``HolePunchAddressFilter``).
    public let localAddresses: [Multiaddr]

    private var state: State = .idle
    private var decoder = MessageFraming.decoder(maxLength: HolePunchProtocol.maxMessageSize)

    /// A responder for a stream that has just been accepted.
    ///
    /// - Parameters:
    ///   - localAddresses: Our addresses worth sending.
    ///   - configuration: Timings and limits.
    public init(localAddresses: [Multiaddr], configuration: HolePunchConfiguration = HolePunchConfiguration()) {
        self.localAddresses = localAddresses
        self.configuration = configuration
    }

    /// Whether the machine has finished.
    public var isFinished: Bool {
        if case .finished = state { return true }
        return false
    }

    /// The stream was accepted: wait for `CONNECT`.
    public mutating func start(now: NATInstant) -> [HolePunchAction] {
        guard case .idle = state else { return [] }
        let deadline = now + configuration.connectTimeout
        state = .awaitingConnect(deadline: deadline)
        return [.wait(until: deadline)]
    }

    /// Bytes arrived on the stream (any split of the framed messages).
    public mutating func receive(_ bytes: [UInt8], now: NATInstant) -> [HolePunchAction] {
        switch state {
        case .awaitingConnect, .awaitingSync: break
        default: return []
        }
        decoder.append(bytes)
        var actions: [HolePunchAction] = []
        // CONNECT and SYNC may arrive in one piece.
        while !isFinished {
            let message: HolePunchMessage
            do {
                guard let next = try decoder.nextHolePunchMessage() else { break }
                message = next
            } catch {
                return actions + [.closeStream] + finish(.failed(.malformedMessage(error)))
            }
            actions += handle(message, now: now)
            if case .dialing = state { break }
        }
        return actions
    }

    /// The peer closed or reset the stream.
    public mutating func streamClosed(now: NATInstant) -> [HolePunchAction] {
        switch state {
        case .awaitingConnect, .awaitingSync: return finish(.failed(.streamClosed))
        default: return []
        }
    }

    /// A wait asked for with ``HolePunchAction/wait(until:)`` is over (early calls are ignored).
    public mutating func timerFired(now: NATInstant) -> [HolePunchAction] {
        switch state {
        case .awaitingConnect(let deadline) where now >= deadline:
            return [.closeStream] + finish(.failed(.timedOut(waitingFor: .connect)))
        case .awaitingSync(_, let deadline) where now >= deadline:
            return [.closeStream] + finish(.failed(.timedOut(waitingFor: .sync)))
        case .dialing(let deadline) where now >= deadline:
            return [.cancelDials] + finish(.failed(.dialsFailed(attempts: 1)))
        default:
            return []
        }
    }

    /// A direct connection to the peer exists (our dial, or the peer's, succeeded).
    public mutating func dialSucceeded(_ address: Multiaddr, now: NATInstant) -> [HolePunchAction] {
        switch state {
        case .idle, .finished: return []
        case .dialing: return [.cancelDials] + finish(.connected(address, attempts: 1))
        default: return [.closeStream] + finish(.connected(address, attempts: 1))
        }
    }

    /// Every dial failed.
    public mutating func dialFailed(now: NATInstant) -> [HolePunchAction] {
        guard case .dialing = state else { return [] }
        return finish(.failed(.dialsFailed(attempts: 1)))
    }

    private mutating func handle(_ message: HolePunchMessage, now: NATInstant) -> [HolePunchAction] {
        switch (state, message.kind) {
        case (.awaitingConnect, .connect):
            let addresses = HolePunchAddressFilter(policy: configuration.addressPolicy).dialable(message.addresses)
            guard !addresses.isEmpty else { return [.closeStream] + finish(.failed(.noRemoteAddresses)) }
            guard !localAddresses.isEmpty else { return [.closeStream] + finish(.failed(.noLocalAddresses)) }
            let deadline = now + configuration.syncTimeout
            state = .awaitingSync(addresses: addresses, deadline: deadline)
            return [.write(HolePunchMessage.connect(localAddresses).framedBytes()), .wait(until: deadline)]
        case (.awaitingSync(let addresses, _), .sync):
            let deadline = now + configuration.dialTimeout
            state = .dialing(deadline: deadline)
            return [.closeStream, .dial(addresses, role: .client), .wait(until: deadline)]
        default:
            return [.closeStream] + finish(.failed(.unexpectedMessage(message.kind)))
        }
    }

    private mutating func finish(_ outcome: HolePunchOutcome) -> [HolePunchAction] {
        state = .finished
        return [.finished(outcome)]
    }
}
