import Foundation
import LibP2PCore
import LibP2PRelay
import Synchronization

/// The relay side of Circuit Relay v2 (the hop protocol): grants reservations, announces
/// circuits to their targets on the stop protocol, and splices the two streams, within
/// ``RelayLimits``. The bookkeeping is the pure ``RelayHop``; this actor moves the bytes.
public actor RelayService {
    public struct Stats: Sendable, Hashable {
        public var reservations: Int
        public var circuits: Int
        /// Circuits opened since start, and bytes they carried.
        public var circuitsServed: Int
        public var bytesRelayed: UInt64
    }

    private let swarm: Swarm
    private var hop: RelayHop
    private let announced: [Multiaddr]?
    private var circuitsServed = 0
    private var bytesRelayed: UInt64 = 0

    /// Starts serving the hop protocol on `swarm`. Reservations name `announce` (public
    /// addresses of the relay, without `/p2p`) or, by default, the swarm's listen addresses.
    public static func start(on swarm: Swarm, limits: RelayLimits = RelayLimits(), announce: [Multiaddr]? = nil) async
        -> RelayService
    {
        let service = RelayService(swarm: swarm, limits: limits, announce: announce)
        // The swarm keeps the service alive: it serves for as long as the swarm runs.
        await swarm.handle(RelayWire.hopProtocol) { stream in await service.serve(stream) }
        return service
    }

    private init(swarm: Swarm, limits: RelayLimits, announce: [Multiaddr]?) {
        self.swarm = swarm
        self.hop = RelayHop(limits: limits)
        self.announced = announce
    }

    public var stats: Stats {
        Stats(
            reservations: hop.reservations.count, circuits: hop.circuitCount, circuitsServed: circuitsServed,
            bytesRelayed: bytesRelayed)
    }

    private nonisolated func serve(_ stream: LibP2PStream) async {
        let request: RelayWire.HopMessageIn
        do {
            request = try await withDeadline(Swarm.relayExchangeTimeout, "a hop request", expire: { await stream.reset() }) {
                guard let bytes = try await stream.readLengthPrefixed(maxLength: RelayWire.maxMessageSize) else {
                    throw LibP2PError.protocolViolation("the hop stream ended")
                }
                return try RelayWire.decodeHop(bytes)
            }
        } catch {
            try? await stream.writeLengthPrefixed(RelayWire.encode(.init(status: .malformedMessage)))
            await stream.reset()
            return
        }
        switch request {
        case .reserve:
            let reply = await reserve(for: stream.remotePeer)
            try? await stream.writeLengthPrefixed(RelayWire.encode(reply))
            try? await stream.closeWrite()
        case .connect(let target):
            await connect(stream, to: target)
        case .status:
            try? await stream.writeLengthPrefixed(RelayWire.encode(.init(status: .unexpectedMessage)))
            try? await stream.closeWrite()
        }
    }

    private func reserve(for peer: PeerID) async -> RelayWire.HopReply {
        guard case .granted = hop.reserve(peer, now: .now) else { return .init(status: .reservationRefused) }
        let expire = UInt64(Date().timeIntervalSince1970) + UInt64(hop.limits.reservationTTL.components.seconds)
        var bases = announced ?? []
        if announced == nil { bases = await swarm.listenAddresses }
        let addresses = bases.compactMap { try? $0.appending(.p2p(swarm.localPeer)) }
        let voucher = try? ReservationVoucher(relay: swarm.localPeer, peer: peer, expiration: expire).sealed(by: swarm.identity)
        return .init(
            status: .ok, reservation: .init(expire: expire, addresses: addresses, voucher: voucher),
            limit: hop.limits.circuitLimit)
    }

    private func connect(_ source: LibP2PStream, to target: PeerID) async {
        let from = source.remotePeer
        guard await swarm.isConnected(to: target) else {
            hop.dropReservation(of: target)
            await refuse(source, hop.hasReservation(target, now: .now) ? .connectionFailed : .noReservation)
            return
        }
        if case .refused(let status) = hop.openCircuit(from: from, to: target, now: .now) {
            await refuse(source, status)
            return
        }
        let limit = hop.limits.circuitLimit
        let destination: LibP2PStream
        do {
            destination = try await swarm.openStream(
                to: target, protocols: [RelayWire.stopProtocol], timeout: Swarm.relayExchangeTimeout)
            let answer = try await withDeadline(
                Swarm.relayExchangeTimeout, "a stop exchange", expire: { await destination.reset() }
            ) {
                try await destination.writeLengthPrefixed(RelayWire.encodeStopConnect(from: from, limit: limit))
                guard let bytes = try await destination.readLengthPrefixed(maxLength: RelayWire.maxMessageSize) else {
                    throw LibP2PError.protocolViolation("the target closed the stop stream")
                }
                return try RelayWire.decodeStop(bytes)
            }
            guard answer == .status(.ok) else {
                await destination.reset()
                throw LibP2PError.dialFailed("the target refused: \(answer)")
            }
        } catch {
            hop.closeCircuit(source: from, target: target)
            await refuse(source, .connectionFailed)
            return
        }
        do {
            try await source.writeLengthPrefixed(RelayWire.encode(.init(status: .ok, limit: limit)))
        } catch {
            hop.closeCircuit(source: from, target: target)
            await destination.reset()
            return
        }
        circuitsServed += 1
        Task {
            let carried = await Self.splice(source, destination, limit: limit)
            self.circuitEnded(source: from, target: target, bytes: carried)
        }
    }

    private func circuitEnded(source: PeerID, target: PeerID, bytes: UInt64) {
        hop.closeCircuit(source: source, target: target)
        bytesRelayed += bytes
    }

    private nonisolated func refuse(_ stream: LibP2PStream, _ status: RelayStatus) async {
        try? await stream.writeLengthPrefixed(RelayWire.encode(.init(status: status)))
        try? await stream.closeWrite()
    }

    /// Copies bytes both ways until both sides finish, the data budget is spent or the
    /// time is up; returns the bytes carried.
    static func splice(_ a: LibP2PStream, _ b: LibP2PStream, limit: CircuitLimit) async -> UInt64 {
        let meter = CircuitMeter(budget: limit.data ?? .max)
        let resetBoth: @Sendable () async -> Void = {
            await a.reset()
            await b.reset()
        }
        // Each direction on the executor of the connection it reads from.
        let pumps = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask(executorPreference: a.connection.executor) {
                    await pump(from: a, to: b, meter: meter, resetBoth: resetBoth)
                }
                group.addTask(executorPreference: b.connection.executor) {
                    await pump(from: b, to: a, meter: meter, resetBoth: resetBoth)
                }
            }
        }
        let timer = Task {
            if let duration = limit.duration {
                try? await Task.sleep(for: duration)
                if !Task.isCancelled { await resetBoth() }
            }
        }
        await pumps.value
        timer.cancel()
        return meter.used
    }

    private static func pump(
        from source: LibP2PStream, to destination: LibP2PStream, meter: CircuitMeter,
        resetBoth: @Sendable () async -> Void
    ) async {
        do {
            while let chunk = try await source.read(maxBytes: 1 << 16) {
                guard meter.spend(UInt64(chunk.count)) else {
                    await resetBoth()
                    return
                }
                try await destination.write(chunk)
            }
            try await destination.closeWrite()
        } catch {
            await resetBoth()
        }
    }
}

/// Bytes carried by one circuit, both directions together, against its budget.
final class CircuitMeter: Sendable {
    private let counter = Atomic<UInt64>(0)
    let budget: UInt64

    init(budget: UInt64) { self.budget = budget }

    var used: UInt64 { counter.load(ordering: .relaxed) }

    /// Counts `bytes`; false once the budget is exceeded.
    func spend(_ bytes: UInt64) -> Bool {
        counter.add(bytes, ordering: .relaxed).newValue <= budget
    }
}
