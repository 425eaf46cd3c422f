import LibP2PCore

/// Sliding-window rate limits of dial-backs: at most `perPeer` per requester and `global` in
/// all within any `window`. Only accepted requests are recorded, so the memory is bounded by
/// `global` timestamps (and at most as many peers).
public struct AutoNATRateLimiter: Sendable {
    /// The window length.
    public let window: Duration
    /// Accepted requests per peer per window.
    public let perPeer: Int
    /// Accepted requests in all per window.
    public let global: Int

    /// Accepted requests in the window, oldest first.
    private var accepted: [(peer: PeerID, at: NATInstant)] = []

    /// A limiter with no history.
    ///
    /// - Parameters:
    ///   - window: The window length.
    ///   - perPeer: Requests per peer per window.
    ///   - global: Requests in all per window.
    public init(window: Duration, perPeer: Int, global: Int) {
        self.window = window
        self.perPeer = perPeer
        self.global = global
    }

    /// Why a request is over a limit.
    public enum Refusal: Sendable, Hashable {
        /// This peer has had its share of the window.
        case peerLimit
        /// All peers together have had the window's share.
        case globalLimit
    }

    /// Records a request from `peer` at `now` if both limits allow it.
    ///
    /// - Parameters:
    ///   - peer: The requester.
    ///   - now: The time of the request (not earlier than earlier calls).
    /// - Returns: nil when accepted and recorded, or the limit that refused it.
    public mutating func admit(_ peer: PeerID, now: NATInstant) -> Refusal? {
        let horizon = now - window
        accepted.removeAll { $0.at <= horizon }
        guard accepted.count < global else { return .globalLimit }
        guard accepted.count(where: { $0.peer == peer }) < perPeer else { return .peerLimit }
        accepted.append((peer, now))
        return nil
    }

    /// Requests recorded within the window ending at `now`.
    ///
    /// - Parameter now: The end of the window.
    public func recordedCount(now: NATInstant) -> Int {
        let horizon = now - window
        return accepted.count(where: { $0.at > horizon })
    }
}
