import LibP2PCore

/// The relay's bookkeeping (pure): who holds a reservation until when, and which circuits
/// are open. The shell asks it before granting anything and tells it when things end; time
/// is always passed in.
public struct RelayHop: Sendable {
    public struct Reservation: Sendable, Hashable {
        public var expires: ContinuousClock.Instant
    }

    public enum Decision: Sendable, Equatable {
        case granted
        case refused(RelayStatus)
    }

    public let limits: RelayLimits
    private(set) public var reservations: [PeerID: Reservation] = [:]
    private var circuitsPerPeer: [PeerID: Int] = [:]
    private(set) public var circuitCount = 0

    public init(limits: RelayLimits) { self.limits = limits }

    /// A reservation for `peer` (new or refreshed), or why not.
    public mutating func reserve(_ peer: PeerID, now: ContinuousClock.Instant) -> Decision {
        expire(now: now)
        if reservations[peer] == nil, reservations.count >= limits.maxReservations {
            return .refused(.resourceLimitExceeded)
        }
        reservations[peer] = Reservation(expires: now + limits.reservationTTL)
        return .granted
    }

    /// Whether a circuit from `source` to `target` may open now; if granted it is counted
    /// until ``closeCircuit(source:target:)``.
    public mutating func openCircuit(from source: PeerID, to target: PeerID, now: ContinuousClock.Instant) -> Decision {
        guard source != target else { return .refused(.permissionDenied) }
        guard let reservation = reservations[target], reservation.expires > now else {
            reservations[target] = nil
            return .refused(.noReservation)
        }
        guard circuitCount < limits.maxCircuits,
            circuitsPerPeer[source, default: 0] < limits.maxCircuitsPerPeer,
            circuitsPerPeer[target, default: 0] < limits.maxCircuitsPerPeer
        else { return .refused(.resourceLimitExceeded) }
        circuitCount += 1
        circuitsPerPeer[source, default: 0] += 1
        circuitsPerPeer[target, default: 0] += 1
        return .granted
    }

    /// A circuit granted by ``openCircuit(from:to:now:)`` ended.
    public mutating func closeCircuit(source: PeerID, target: PeerID) {
        circuitCount = max(0, circuitCount - 1)
        for peer in [source, target] {
            let left = circuitsPerPeer[peer, default: 0] - 1
            circuitsPerPeer[peer] = left > 0 ? left : nil
        }
    }

    /// The peer went away: its reservation goes with its connection.
    public mutating func dropReservation(of peer: PeerID) { reservations[peer] = nil }

    /// Forgets reservations that ran out.
    public mutating func expire(now: ContinuousClock.Instant) {
        reservations = reservations.filter { $0.value.expires > now }
    }

    public func hasReservation(_ peer: PeerID, now: ContinuousClock.Instant) -> Bool {
        (reservations[peer]?.expires).map { $0 > now } ?? false
    }
}
