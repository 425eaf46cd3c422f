import LibP2PCore
import LibP2PRelay

// The client side of Circuit Relay v2: reserving a slot on a relay, dialling a peer
// through a relay, and accepting circuits the relay announces on the stop protocol.
//
//   A (dialer)          R (relay)                         B (reserved on R)
//   hop: CONNECT B ───▶ stop: CONNECT A ────────────────▶ checks, answers
//                        ◀──────────────────────── STATUS OK
//   ◀── STATUS OK       splices the two streams
//   Noise XX + yamux over the spliced streams, end to end: R sees only ciphertext.

/// A reservation held on a relay.
public struct RelayReservation: Sendable, Hashable {
    public var relay: PeerID
    /// Unix seconds at which it ends unless refreshed.
    public var expires: UInt64
    /// Where others reach us through this relay: `<relay addr>/p2p/<relay>/p2p-circuit`.
    public var circuitAddresses: [Multiaddr]
    /// The limits the relay puts on each circuit, if it said.
    public var limit: CircuitLimit?
}

extension Swarm {
    /// Time for a hop or stop exchange.
    static let relayExchangeTimeout: Duration = .seconds(15)

    /// Accepts circuits that relays announce to us (the stop protocol). Needed to be
    /// reachable through a reservation.
    public func acceptRelayedConnections() {
        handle(RelayWire.stopProtocol) { [weak self] stream in
            await self?.serveStop(stream)
        }
    }

    /// Reserves a slot on `relay` (an address ending in `/p2p/<relay>`), dialling it if
    /// needed. Refresh by calling again before ``RelayReservation/expires``.
    public func reserve(on relay: Multiaddr) async throws -> RelayReservation {
        guard let relayPeer = relay.peerID else { throw LibP2PError.unsupportedAddress("\(relay) names no relay peer") }
        try await dial(relay)
        let stream = try await openStream(to: relayPeer, protocols: [RelayWire.hopProtocol], timeout: Self.relayExchangeTimeout)
        let reply: RelayWire.HopReply
        do {
            reply = try await withDeadline(Self.relayExchangeTimeout, "a relay reservation", expire: { await stream.reset() }) {
                try await stream.writeLengthPrefixed(RelayWire.encodeReserve())
                guard let bytes = try await stream.readLengthPrefixed(maxLength: RelayWire.maxMessageSize),
                    case .status(let reply) = try RelayWire.decodeHop(bytes)
                else { throw LibP2PError.protocolViolation("the relay did not answer the reservation") }
                return reply
            }
        } catch {
            await stream.reset()
            throw error
        }
        // One reply is all we read; the relay may send more (py-libp2p does): close.
        try? await stream.closeWrite()
        await stream.reset()
        guard reply.status == .ok, let grant = reply.reservation else {
            throw LibP2PError.limitReached("the relay refused the reservation: \(reply.status)")
        }
        if let voucherBytes = grant.voucher {
            let voucher = try ReservationVoucher.open(voucherBytes)
            guard voucher.relay == relayPeer, voucher.peer == localPeer else {
                throw LibP2PError.protocolViolation("the relay's voucher names someone else")
            }
        }
        // The address we dialled (it works for us, so likely for others), then the relay's
        // own view of its addresses, without unspecified hosts (0.0.0.0) nobody can dial.
        var bases = [relay]
        for address in grant.addresses where address.peerID == relayPeer && !CircuitAddress.isRelayed(address) {
            if let ip = address.ipAddress, ip.allSatisfy({ $0 == 0 }) { continue }
            if !bases.contains(address) { bases.append(address) }
        }
        let circuits = bases.compactMap { CircuitAddress.make(relay: $0, target: nil) }
        let reservation = RelayReservation(
            relay: relayPeer, expires: grant.expire, circuitAddresses: circuits, limit: reply.limit)
        relayReservations[relayPeer] = reservation
        schedulePush()
        return reservation
    }

    /// Forgets a reservation (the relay went away or we gave it up).
    public func dropReservation(on relay: PeerID) {
        if relayReservations.removeValue(forKey: relay) != nil { schedulePush() }
    }

    /// The addresses others can reach us at through relays.
    public var relayedAddresses: [Multiaddr] {
        relayReservations.values.sorted { $0.relay.description < $1.relay.description }.flatMap(\.circuitAddresses)
    }

    /// Connects to `address` (`…/p2p/<relay>/p2p-circuit/p2p/<target>`) through the relay.
    func dialRelayed(_ address: CircuitAddress, original: Multiaddr) async throws -> PeerID {
        guard let target = address.target else { throw LibP2PError.unsupportedAddress("\(original) names no target") }
        try await dial(address.relay)
        let stream = try await openStream(
            to: address.relayPeer, protocols: [RelayWire.hopProtocol], timeout: Self.relayExchangeTimeout)
        do {
            let reply = try await withDeadline(Self.relayExchangeTimeout, "a relayed dial", expire: { await stream.reset() }) {
                try await stream.writeLengthPrefixed(RelayWire.encodeConnect(to: target))
                guard let bytes = try await stream.readLengthPrefixed(maxLength: RelayWire.maxMessageSize),
                    case .status(let reply) = try RelayWire.decodeHop(bytes)
                else { throw LibP2PError.protocolViolation("the relay did not answer the connect") }
                return reply
            }
            guard reply.status == .ok else { throw LibP2PError.dialFailed("\(original): the relay said \(reply.status)") }
        } catch {
            await stream.reset()
            throw error
        }
        return try await upgradeRelayed(stream, role: .dialer, expectedPeer: target, remoteAddress: original)
    }

    /// The stop side: the relay tells us who is coming; we accept and run the connection.
    private func serveStop(_ stream: LibP2PStream) async {
        let source: PeerID
        do {
            source = try await withDeadline(Self.relayExchangeTimeout, "a stop request", expire: { await stream.reset() }) {
                guard let bytes = try await stream.readLengthPrefixed(maxLength: RelayWire.maxMessageSize) else {
                    throw LibP2PError.protocolViolation("the stop stream ended")
                }
                guard case .connect(let source, _) = try RelayWire.decodeStop(bytes) else {
                    try? await stream.writeLengthPrefixed(RelayWire.encodeStopStatus(.unexpectedMessage))
                    throw LibP2PError.protocolViolation("a stop message other than CONNECT")
                }
                try await stream.writeLengthPrefixed(RelayWire.encodeStopStatus(.ok))
                return source
            }
        } catch {
            logger.debug("Refused a relayed connection", metadata: ["relay": "\(stream.remotePeer)", "error": "\(error)"])
            await stream.reset()
            return
        }
        let relayAddress =
            stream.connection.remoteAddress.flatMap { try? $0.appending(.p2p(stream.remotePeer)) }
            ?? (try? Multiaddr([.p2p(stream.remotePeer)]))
        let address = relayAddress.flatMap { CircuitAddress.make(relay: $0, target: source) }
        _ = try? await upgradeRelayed(stream, role: .listener, expectedPeer: source, remoteAddress: address)
    }

    /// Runs a libp2p connection (Noise, yamux) over a relayed stream; returns once upgraded.
    private func upgradeRelayed(
        _ stream: LibP2PStream, role: Upgrader.Role, expectedPeer: PeerID, remoteAddress: Multiaddr?
    ) async throws -> PeerID {
        guard !closed, pendingHandshakes < configuration.maxPendingHandshakes,
            connectionCount < configuration.maxConnections
        else {
            await stream.reset()
            throw LibP2PError.limitReached("\(configuration.maxConnections) connections")
        }
        pendingHandshakes += 1
        // On the executor of the connection underneath: one thread for both.
        let executor = stream.connection.executor
        let budget = configuration.maxBytesBeforeAuthentication
        return try await withCheckedThrowingContinuation { continuation in
            Task(executorPreference: executor) {
                await self.runConnection(
                    reader: ByteReader(stream, budget: budget),
                    writer: ByteWriter(stream), frames: .stream(stream), remoteAddress: remoteAddress, role: role,
                    expectedPeer: expectedPeer,
                    upgraded: continuation, executor: executor, eventLoop: stream.connection.eventLoop,
                    close: { Task { await stream.reset() } })
            }
        }
    }
}
