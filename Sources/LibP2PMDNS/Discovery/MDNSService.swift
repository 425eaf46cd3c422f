import LibP2PCore

/// The mDNS discovery core (libp2p `discovery/mdns.md`): builds our queries and responses,
/// reads other peers' responses, and keeps the table of peers found and the query timer.
/// No sockets, no clock: the shell sends the bytes it returns to 224.0.0.251:5353 and
/// [ff02::fb]:5353, passes received datagrams in, and calls it again at ``nextDeadline``.
///
/// ```
///  shell timer ──► pollQuery(now:) ──► query bytes ──► multicast
///  datagram ─┬──► respond(to:…)    ──► response bytes or nil ──► multicast
///            └──► discovered(from:…) ─► [MDNSPeer] (table updated)
///  shell timer ──► expire(now:) ───► [PeerID] whose records ran out
/// ```
public struct MDNSService: Sendable {
    /// The settings and bounds.
    public let configuration: MDNSConfiguration
    /// Our service instance name, `<peer-name>._p2p._udp.local`.
    public let instanceName: DNSName
    /// The peers found and not yet expired.
    public internal(set) var knownPeers: [PeerID: MDNSPeer] = [:]
    /// When the next query is due (nil: at once).
    public internal(set) var nextQueryAt: MDNSInstant?
    /// Queries sent so far (decides the interval).
    public internal(set) var queriesSent = 0

    /// A service with a given peer name.
    ///
    /// - Parameters:
    ///   - peerName: The first label of our instance name (see ``MDNSPeerName``).
    ///   - configuration: The settings.
    /// - Throws: ``DNSError`` if the label or the whole instance name breaks the DNS limits.
    public init(peerName: [UInt8], configuration: MDNSConfiguration = MDNSConfiguration()) throws(DNSError) {
        self.configuration = configuration
        self.instanceName = try configuration.serviceName.prepending(peerName)
    }

    /// A service with a random peer name.
    ///
    /// - Parameters:
    ///   - configuration: The settings.
    ///   - generator: The randomness for the peer name.
    /// - Throws: ``DNSError`` if the service name leaves no room for a 63-byte label.
    public init(
        configuration: MDNSConfiguration = MDNSConfiguration(), using generator: inout some RandomNumberGenerator
    )
        throws(DNSError)
    {
        try self.init(peerName: MDNSPeerName.random(using: &generator), configuration: configuration)
    }

    /// The earliest time the shell should call back: the next query or the next expiry.
    public var nextDeadline: MDNSInstant? {
        let expiry = knownPeers.values.map(\.expiresAt).min()
        guard let query = nextQueryAt else { return expiry }
        return expiry.map { min($0, query) } ?? query
    }

    /// The periodic query: id 0, no flags, one question `_p2p._udp.local PTR IN` (QM).
    public func queryMessage() -> [UInt8] {
        let question = DNSQuestion(name: configuration.serviceName, type: DNSRecordType.ptr)
        // Cannot fail: one question with a valid name.
        return (try? DNSMessage(questions: [question]).encode()) ?? []
    }

    /// Returns the query if one is due at `now` and schedules the next one: the first
    /// ``MDNSConfiguration/initialQueryCount`` queries ``MDNSConfiguration/initialQueryInterval``
    /// apart, then every ``MDNSConfiguration/queryInterval``, each plus a random jitter.
    ///
    /// - Parameters:
    ///   - now: The current time.
    ///   - generator: The randomness for the jitter.
    /// - Returns: Query bytes to multicast, or nil if none is due.
    public mutating func pollQuery(now: MDNSInstant, using generator: inout some RandomNumberGenerator) -> [UInt8]? {
        if let due = nextQueryAt, now < due { return nil }
        queriesSent += 1
        let interval =
            queriesSent < configuration.initialQueryCount
            ? configuration.initialQueryInterval : configuration.queryInterval
        let jitter =
            configuration.maxQueryJitter > 0 ? Int64.random(in: 0...configuration.maxQueryJitter, using: &generator) : 0
        nextQueryAt = now.adding(milliseconds: max(0, interval) &+ jitter)
        return queryMessage()
    }

    /// Restarts the fast query phase (call after a network change): the next poll queries.
    public mutating func resetQuerySchedule() {
        queriesSent = 0
        nextQueryAt = nil
    }

    /// Drops the peers whose records have expired at `now`.
    ///
    /// - Parameter now: The current time.
    /// - Returns: The dropped peers, in peer ID text order.
    public mutating func expire(now: MDNSInstant) -> [PeerID] {
        let gone = knownPeers.values.filter { $0.expiresAt <= now }.map(\.peerID)
        for peer in gone { knownPeers[peer] = nil }
        return gone.sorted { $0.description < $1.description }
    }
}
