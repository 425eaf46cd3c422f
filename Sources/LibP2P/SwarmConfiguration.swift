/// Limits and settings of a ``Swarm``. Every bound says what happens when it is reached.
public struct SwarmConfiguration: Sendable {
    /// Connections in all; past it, new inbound connections are closed and dials fail.
    public var maxConnections = 256
    /// Connections to one peer; a second simultaneous connection beyond it is closed.
    public var maxConnectionsPerPeer = 2
    /// Connections still negotiating security; past it, new inbound ones are closed at once.
    public var maxPendingHandshakes = 64
    /// Inbound connections from one IP address still negotiating security; past it, new
    /// ones from that address are closed at once (one address cannot take every slot of
    /// ``maxPendingHandshakes``).
    public var maxPendingHandshakesPerAddress = 16
    /// How long TCP → Noise → yamux may take before the connection is dropped.
    public var handshakeTimeout: Duration = .seconds(10)
    /// Bytes a peer may send before it is authenticated.
    public var maxBytesBeforeAuthentication = 64 * 1024
    /// Streams per connection (inbound beyond it are reset).
    public var maxStreamsPerConnection = 256
    /// How long protocol negotiation on a new stream may take; a stream still negotiating
    /// then is reset (and an outbound open throws ``LibP2PError/timeout(_:)``).
    public var streamNegotiationTimeout: Duration = .seconds(10)
    /// How long a connection may go with no open stream and no traffic in either
    /// direction; then it says GoAway and closes. `nil` keeps idle connections open.
    public var idleTimeout: Duration? = .seconds(5 * 60)
    /// Encrypted bytes waiting in one connection's socket channel. A peer that stops reading
    /// while it keeps making us answer (pongs, window updates, data within windows it grants)
    /// would grow this without end; past the bound the connection is closed. A peer that
    /// reads holds it near the sum of its streams' windows (256 KiB each). (A connection
    /// relayed over a stream is not bounded by this yet.)
    public var maxQueuedOutputBytes = 16 * 1024 * 1024
    /// Sent in Identify.
    public var agentVersion = "variance/0.1.0"

    public init() {}
}
