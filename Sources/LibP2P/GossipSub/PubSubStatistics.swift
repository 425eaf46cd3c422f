/// What a ``PubSub`` service dropped or refused, for diagnostics and tests.
public struct PubSubStatistics: Sendable, Equatable {
    /// Messages received from peers that failed the signature policy or that the
    /// validator rejected (dropped, and the sending peer penalised).
    public var invalidMessages = 0
    /// Frames from peers that were not acceptable RPCs (too large, malformed, over a
    /// wire bound); the stream they came on was reset.
    public var malformedRPCs = 0
    /// RPCs not sent because a peer's send queue was full.
    public var droppedRPCs = 0
    /// Messages not delivered because a subscription's buffer was full.
    public var droppedDeliveries = 0
    /// Messages delivered to local subscriptions.
    public var deliveredMessages = 0
}
