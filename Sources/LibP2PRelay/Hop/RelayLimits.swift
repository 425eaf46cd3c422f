/// Everything a relay bounds. Defaults suit a small community relay; `variance-relay` reads
/// each from its configuration.
public struct RelayLimits: Sendable, Hashable {
    /// Reservations held at once.
    public var maxReservations = 1024
    /// How long a reservation lasts before the client must refresh it.
    public var reservationTTL: Duration = .seconds(3600)
    /// Relayed connections at once, in total.
    public var maxCircuits = 256
    /// Relayed connections at once that involve one peer (as source or target).
    public var maxCircuitsPerPeer = 16
    /// How long one relayed connection may last.
    public var circuitDuration: Duration = .seconds(3600)
    /// Bytes one relayed connection may carry, both directions together.
    public var circuitBytes: UInt64 = 64 << 20

    public init() {}

    /// The limit announced for each circuit.
    public var circuitLimit: CircuitLimit { CircuitLimit(duration: circuitDuration, data: circuitBytes) }
}
