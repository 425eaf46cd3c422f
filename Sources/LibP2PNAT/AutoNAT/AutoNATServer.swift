import LibP2PCore

/// The server side of AutoNAT v1: decides whether and where to dial a requester back.
///
/// ```
///  request bytes ──decode──▶ DIAL? ──peer ID = connection's?──▶ observed IP allowed?
///        │ malformed           │ no            │ no                    │ no / relayed
///        ▼                     ▼               ▼                       ▼
///   E_BAD_REQUEST        E_BAD_REQUEST    E_BAD_REQUEST          E_DIAL_REFUSED
///
///  ──▶ addresses on the observed IP (policy, transports, ≤ maxDialAddresses) ──▶ rate limits
///        │ none                                                                    │ over
///        ▼                                                                         ▼
///   E_DIAL_REFUSED                                                           E_DIAL_REFUSED
///  ──▶ .dialBack(plan) ──shell dials──▶ plan.response(for: outcome): OK(addr) | E_DIAL_ERROR
/// ```
///
/// Per the specification the server dials nothing but addresses whose IP is the one it
/// observes the requester on (so it cannot be aimed at a third party), and refuses requests
/// that arrive over a relayed connection (whose IP says nothing about the requester).
/// Pure: the time of each request is passed in; the shell does the dialling.
public struct AutoNATServer: Sendable {
    /// What to do with one request.
    public enum Decision: Sendable, Hashable {
        /// Dial back as planned, then answer with ``AutoNATDialBack/response(for:)``.
        case dialBack(AutoNATDialBack)
        /// Answer at once with this response (a refusal or a bad request).
        case respond(AutoNATDialResponse)
    }

    /// The limits.
    public let configuration: AutoNATServerConfiguration
    private var limiter: AutoNATRateLimiter

    /// A server with no history.
    ///
    /// - Parameter configuration: The limits.
    public init(configuration: AutoNATServerConfiguration = AutoNATServerConfiguration()) {
        self.configuration = configuration
        limiter = AutoNATRateLimiter(
            window: configuration.rateLimitWindow,
            perPeer: configuration.maxRequestsPerPeer,
            global: configuration.maxRequestsGlobal
        )
    }

    /// Decides on one received message (without its length prefix).
    ///
    /// - Parameters:
    ///   - bytes: The encoded request.
    ///   - requester: The peer authenticated on the connection the stream belongs to.
    ///   - connectionAddress: The remote address of that connection as this node sees it
    ///     (`/ip4/<observed IP>/tcp/<port>`, or a `/p2p-circuit` address for a relayed one).
    ///   - now: The time of the request.
    /// - Returns: The decision; never a trap, whatever the bytes.
    public mutating func handle(
        requestBytes bytes: [UInt8], from requester: PeerID, connectionAddress: Multiaddr, now: NATInstant
    ) -> Decision {
        let message: AutoNATMessageIn
        do {
            message = try AutoNATMessageIn.decode(bytes)
        } catch {
            return .respond(.failure(.badRequest, "malformed request"))
        }
        guard case .dial(let request) = message else {
            return .respond(.failure(.badRequest, "expected a DIAL message"))
        }
        return handle(request, from: requester, connectionAddress: connectionAddress, now: now)
    }

    /// Decides on one decoded `DIAL` request (see ``handle(requestBytes:from:connectionAddress:now:)``).
    public mutating func handle(
        _ request: AutoNATDialRequestIn, from requester: PeerID, connectionAddress: Multiaddr, now: NATInstant
    ) -> Decision {
        guard !connectionAddress.isRelayed else {
            return .respond(.failure(.dialRefused, "dial requests over relayed connections are refused"))
        }
        guard request.claimedPeerID == requester else {
            return .respond(.failure(.badRequest, "peer ID does not match the connection"))
        }
        guard let observedIP = connectionAddress.leadingIP,
              let scope = IPAddressScope(address: observedIP), configuration.addressPolicy.allows(scope)
        else {
            return .respond(.failure(.dialRefused, "observed address is not dialable"))
        }
        let addresses = dialableAddresses(request.addresses, of: requester, observedIP: observedIP)
        guard !addresses.isEmpty else {
            return .respond(.failure(.dialRefused, "no dialable addresses"))
        }
        if limiter.admit(requester, now: now) != nil {
            return .respond(.failure(.dialRefused, "too many dials"))
        }
        return .dialBack(AutoNATDialBack(peer: requester, addresses: addresses, deadline: now + configuration.dialTimeout))
    }

    /// The addresses worth dialling back, in the order sent: those whose first component is
    /// the observed IP (IPv4-mapped IPv6 counts as IPv4), of an allowed scope and transport,
    /// not relayed, without a `/p2p` naming another peer; the trailing `/p2p` is removed,
    /// duplicates are dropped, and at most ``AutoNATServerConfiguration/maxDialAddresses`` kept.
    ///
    /// - Parameters:
    ///   - candidates: The addresses of the request.
    ///   - requester: The requester.
    ///   - observedIP: The IP of the connection, as ``Multiaddr/leadingIP`` gives it.
    /// - Returns: The addresses to dial.
    public func dialableAddresses(_ candidates: [Multiaddr], of requester: PeerID, observedIP: [UInt8]) -> [Multiaddr] {
        var chosen: [Multiaddr] = []
        for candidate in candidates where chosen.count < configuration.maxDialAddresses {
            var address = candidate
            if case .p2p(let named) = candidate.components.last {
                guard named == requester, let bare = candidate.removingTrailingPeerID else { continue }
                address = bare
            }
            guard address.leadingIP == observedIP,
                  configuration.addressPolicy.allows(address),
                  let transport = NATTransport(address: address), configuration.transports.contains(transport),
                  !chosen.contains(address)
            else { continue }
            chosen.append(address)
        }
        return chosen
    }
}
