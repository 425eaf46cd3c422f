import LibP2PCore
import LibP2PNAT

/// AutoNAT v1 on a swarm (`/libp2p/autonat/1.0.0`). As a server it dials requesters back on
/// fresh connections (``Swarm/probe(_:expecting:timeout:)``) at the addresses the pure
/// ``AutoNATServer`` allows; as a client it asks a connected peer to dial us back and feeds
/// the answers to the pure ``AutoNATClient``, whose verdict is ``reachability``.
public actor AutoNATService {
    private let swarm: Swarm
    private var server: AutoNATServer
    private var client: AutoNATClient
    private let start = ContinuousClock.now

    /// - Parameters:
    ///   - serve: Whether to answer others' requests (relays do; engines only ask).
    public init(
        swarm: Swarm, serverConfiguration: AutoNATServerConfiguration = AutoNATServerConfiguration(),
        clientConfiguration: AutoNATClientConfiguration = AutoNATClientConfiguration()
    ) {
        self.swarm = swarm
        server = AutoNATServer(configuration: serverConfiguration)
        client = AutoNATClient(configuration: clientConfiguration, now: NATInstant(milliseconds: 0))
    }

    /// Registers the server side on the swarm.
    public func serve() async {
        await swarm.handle(AutoNATProtocol.id) { stream in await self.answer(stream) }
    }

    private var now: NATInstant {
        let elapsed = ContinuousClock.now - start
        return NATInstant(milliseconds: elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
    }

    /// What we believe of our own reachability.
    public var reachability: NATReachability { client.reachability }

    private nonisolated func answer(_ stream: LibP2PStream) async {
        do {
            try await withDeadline(.seconds(30), "an AutoNAT request", expire: { await stream.reset() }) {
                guard let request = try await stream.readLengthPrefixed(maxLength: AutoNATProtocol.maxMessageSize) else {
                    return
                }
                let response: AutoNATDialResponse
                let decision: AutoNATServer.Decision
                if let address = stream.connection.remoteAddress {
                    decision = await self.decide(request, from: stream.remotePeer, connectionAddress: address)
                } else {
                    decision = .respond(.failure(.internalError, "the connection's address is unknown"))
                }
                switch decision {
                case .respond(let immediate):
                    response = immediate
                case .dialBack(let plan):
                    var outcome = AutoNATDialBack.Outcome.failed
                    for candidate in plan.addresses where await self.swarm.probe(candidate, expecting: plan.peer) {
                        outcome = .connected(candidate)
                        break
                    }
                    response = plan.response(for: outcome)
                }
                try await stream.writeLengthPrefixed(response.serializedBytes())
                try await stream.closeWrite()
            }
        } catch {
            await stream.reset()
        }
    }

    private func decide(_ bytes: [UInt8], from peer: PeerID, connectionAddress: Multiaddr) -> AutoNATServer.Decision {
        server.handle(requestBytes: bytes, from: peer, connectionAddress: connectionAddress, now: now)
    }

    /// Asks `server` (connected) to dial us back at `addresses`; records its answer and
    /// returns the verdict after it.
    @discardableResult
    public func probe(via server: PeerID, addresses: [Multiaddr]) async -> NATReachability {
        client.probeStarted(now: now)
        let request = client.dialRequest(for: swarm.localPeer, addresses: addresses)
        do {
            let bytes = try await swarm.request(
                server, protocolID: AutoNATProtocol.id, request.serializedBytes(),
                maxResponseBytes: AutoNATProtocol.maxMessageSize, timeout: .seconds(30))
            guard case .dialResponse(let response) = try AutoNATMessageIn.decode(bytes) else {
                client.recordFailure(from: server, now: now)
                return client.reachability
            }
            _ = client.record(response, from: server, now: now)
        } catch {
            client.recordFailure(from: server, now: now)
        }
        return client.reachability
    }
}
