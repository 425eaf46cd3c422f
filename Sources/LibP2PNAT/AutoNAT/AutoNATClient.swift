import LibP2PCore

/// The client side of AutoNAT v1: collects the answers of several servers into a verdict,
/// and says when to ask again.
///
/// ```
///            ≥ confirmations OK, more than E_DIAL_ERROR
///  unknown ─────────────────────────────────────────────▶ public(addr)
///     │  ▲                                                  │   ▲
///     │  │ no fresh supporting answer left                  │   │ ≥ confirmations OK,
///     │  └──────────────────────────────────────────────────┘   │ more than E_DIAL_ERROR
///     │ ≥ confirmations E_DIAL_ERROR, more than OK              │
///     ▼                                                         │
///  private ─────────────────────────────────────────────────────┘
///     (and back to unknown when no fresh E_DIAL_ERROR is left)
/// ```
///
/// Each server has one vote, its latest `OK` (public) or `E_DIAL_ERROR` (private); refusals,
/// bad requests, internal errors and failed probes do not vote. A vote counts for
/// ``AutoNATClientConfiguration/observationLifetime``, then ages out. Leaving a verdict takes
/// as many agreeing votes as reaching one, so a single server (or attacker) cannot flip it;
/// a verdict with no supporting vote left decays to unknown.
///
/// Pure: the time is passed in. The shell asks ``nextProbe`` when to probe, picks a server
/// (``isWorthAsking(_:now:)``), calls ``probeStarted(now:)``, sends ``dialRequest(for:addresses:)``
/// and reports the answer with ``record(_:from:now:)`` or ``recordFailure(from:now:)``; it also
/// calls ``tick(now:)`` at ``nextDeadline`` so that votes age out.
public struct AutoNATClient: Sendable {
    private struct Vote: Sendable {
        var reachable: Bool
        var address: Multiaddr?
        var at: NATInstant
    }

    /// The thresholds and timings.
    public let configuration: AutoNATClientConfiguration
    /// The current verdict.
    public private(set) var reachability: NATReachability = .unknown
    /// How far the fresh votes for the verdict outnumber those against it, 0 to
    /// ``AutoNATClientConfiguration/maxConfidence`` (0 while unknown).
    public private(set) var confidence = 0
    /// When the next probe is due.
    public private(set) var nextProbe: NATInstant

    private var votes: [PeerID: Vote] = [:]
    private var answeredAt: [PeerID: NATInstant] = [:]

    /// A client that knows nothing yet; its first probe is due after the boot delay.
    ///
    /// - Parameters:
    ///   - configuration: The thresholds and timings.
    ///   - now: The start time.
    public init(configuration: AutoNATClientConfiguration = AutoNATClientConfiguration(), now: NATInstant) {
        self.configuration = configuration
        nextProbe = now + configuration.bootDelay
    }

    /// The request to send: our peer ID and the addresses we want checked.
    ///
    /// - Parameters:
    ///   - peer: This node's peer ID.
    ///   - addresses: Its candidate public addresses (relayed ones are left out).
    public func dialRequest(for peer: PeerID, addresses: [Multiaddr]) -> AutoNATDialRequest {
        AutoNATDialRequest(peerID: peer, addresses: addresses.filter { !$0.isRelayed })
    }

    /// Whether `server` may be asked now (it has not answered within the cool-down).
    public func isWorthAsking(_ server: PeerID, now: NATInstant) -> Bool {
        guard let last = answeredAt[server] else { return true }
        return now - last >= configuration.serverCooldown
    }

    /// Notes that a probe started, so that the next one waits for it (up to the probe timeout).
    public mutating func probeStarted(now: NATInstant) {
        nextProbe = now + configuration.probeTimeout
    }

    /// Our addresses changed: probe again at once (the votes stay; new ones will outvote them).
    public mutating func addressesChanged(now: NATInstant) {
        nextProbe = now
    }

    /// Records one server's answer.
    ///
    /// - Parameters:
    ///   - response: The `DIAL_RESPONSE`.
    ///   - server: The server that sent it.
    ///   - now: When it arrived.
    /// - Returns: The new verdict if it changed.
    @discardableResult
    public mutating func record(_ response: AutoNATDialResponse, from server: PeerID, now: NATInstant) -> NATReachability? {
        answeredAt[server] = now
        switch response.status {
        case .ok: votes[server] = Vote(reachable: true, address: response.address, at: now)
        case .dialError: votes[server] = Vote(reachable: false, address: nil, at: now)
        case .dialRefused, .badRequest, .internalError: break
        }
        boundMemory()
        let change = reevaluate(now: now)
        let voted = response.status == .ok || response.status == .dialError
        let settled = reachability != .unknown && confidence >= configuration.maxConfidence
        nextProbe = now + (voted && settled ? configuration.refreshInterval : configuration.retryInterval)
        return change
    }

    /// Records a probe that got no answer (stream failure, timeout, undecodable response).
    /// It does not vote; the next probe is due after the retry interval.
    public mutating func recordFailure(from server: PeerID, now: NATInstant) {
        answeredAt[server] = now
        boundMemory()
        nextProbe = now + configuration.retryInterval
    }

    /// Ages out old votes.
    ///
    /// - Parameter now: The time.
    /// - Returns: The new verdict if it changed.
    @discardableResult
    public mutating func tick(now: NATInstant) -> NATReachability? {
        reevaluate(now: now)
    }

    /// When the shell should call ``tick(now:)`` or probe next: the earlier of ``nextProbe``
    /// and the moment the oldest vote ages out.
    public var nextDeadline: NATInstant {
        let expiry = votes.values.map { $0.at + configuration.observationLifetime }.min()
        return min(nextProbe, expiry ?? nextProbe)
    }

    /// The number of servers whose vote is still counted.
    public var activeVoteCount: Int { votes.count }

    private mutating func reevaluate(now: NATInstant) -> NATReachability? {
        votes = votes.filter { now - $0.value.at < configuration.observationLifetime }
        answeredAt = answeredAt.filter { now - $0.value < configuration.serverCooldown }
        let publicVotes = votes.values.filter(\.reachable)
        let privateCount = votes.count - publicVotes.count
        let publicCount = publicVotes.count
        let threshold = max(configuration.confirmations, 1)
        let old = reachability
        switch reachability {
        case .unknown, .public:
            if privateCount >= threshold && privateCount > publicCount {
                reachability = .private
            } else if publicCount >= threshold && publicCount > privateCount || (old != .unknown && publicCount > 0) {
                reachability = .public(Self.likeliestAddress(publicVotes))
            } else {
                reachability = .unknown
            }
        case .private:
            if publicCount >= threshold && publicCount > privateCount {
                reachability = .public(Self.likeliestAddress(publicVotes))
            } else if privateCount == 0 {
                reachability = .unknown
            }
        }
        let margin: Int
        switch reachability {
        case .unknown: margin = 0
        case .public: margin = publicCount - privateCount
        case .private: margin = privateCount - publicCount
        }
        confidence = min(max(margin, 0), configuration.maxConfidence)
        return reachability == old ? nil : reachability
    }

    /// The address most public votes name (the most recent one on a tie).
    private static func likeliestAddress(_ votes: [Vote]) -> Multiaddr? {
        var tally: [Multiaddr: (count: Int, latest: NATInstant)] = [:]
        for vote in votes {
            guard let address = vote.address else { continue }
            let entry = tally[address] ?? (0, vote.at)
            tally[address] = (entry.count + 1, max(entry.latest, vote.at))
        }
        return tally.max { ($0.value.count, $0.value.latest) < ($1.value.count, $1.value.latest) }?.key
    }

    /// Forgets the oldest servers beyond the bound.
    private mutating func boundMemory() {
        while votes.count > configuration.maxServers, let oldest = votes.min(by: { $0.value.at < $1.value.at }) {
            votes[oldest.key] = nil
        }
        while answeredAt.count > configuration.maxServers * 4, let oldest = answeredAt.min(by: { $0.value < $1.value }) {
            answeredAt[oldest.key] = nil
        }
    }
}
