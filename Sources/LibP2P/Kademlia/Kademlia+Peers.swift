import LibP2PCore
import LibP2PKad

// Peers: who goes into the routing table (identify says the peer serves /ipfs/kad/1.0.0, or
// it answered us), liveness checks the table asks for, and one request to one peer.
extension Kademlia {
    /// Takes one swarm event: an identified peer that lists `/ipfs/kad/1.0.0` enters the
    /// routing table with its listen addresses; one that does not (any more) leaves it.
    /// The owner of the swarm's event stream forwards every event here.
    public func observe(_ event: SwarmEvent) async {
        guard !closed, case .peerIdentified(let peer) = event, let info = await swarm.info(of: peer) else { return }
        noteIdentified(peer, info)
    }

    /// What identify told us about a peer.
    func noteIdentified(_ peer: PeerID, _ info: Identify.Info) {
        if info.protocols.contains(Self.protocolID) {
            seen(KadPeer(id: peer, addresses: Self.dialable(info.listenAddresses, of: peer)))
        } else if node.routingTable.entry(for: peer) != nil {
            node.peerUnreachable(peer)
        }
    }

    /// A DHT server was seen alive; a full bucket asks for a liveness check.
    func seen(_ peer: KadPeer) {
        guard peer.id != localPeer else { return }
        if case .checkLiveness(let check)? = node.peerSeen(peer, isServer: true, now: Self.now()) {
            let target = node.routingTable.entry(for: check.leastRecentlySeen)?.peer ?? KadPeer(id: check.leastRecentlySeen)
            Task { [weak self] in
                guard let self else { return }
                let alive = (try? await self.exchange(.ping, with: target))??.type == .ping
                await self.livenessResult(of: target.id, alive: alive)
            }
        }
    }

    private func livenessResult(of peer: PeerID, alive: Bool) {
        node.livenessResult(of: peer, alive: alive, now: Self.now())
    }

    /// Addresses worth dialling: without a trailing `/p2p` of the peer itself, none that
    /// names another peer, TCP only (the only transport the swarm has).
    static func dialable(_ addresses: [Multiaddr], of peer: PeerID) -> [Multiaddr] {
        addresses.compactMap { address -> Multiaddr? in
            guard let id = address.peerID else { return address }
            return id == peer ? address.removingTrailingPeerID : nil
        }.filter { $0.tcpPort != nil }
    }

    /// Connects to `peer` unless connected: its addresses one after the other (at most
    /// ``KademliaConfiguration/maxDialAddresses``).
    nonisolated func connect(to peer: KadPeer) async throws {
        if await swarm.isConnected(to: peer.id) { return }
        var failure: any Error = LibP2PError.dialFailed("no known address for \(peer.id)")
        for address in Self.dialable(peer.addresses, of: peer.id).prefix(configuration.maxDialAddresses) {
            do {
                _ = try await swarm.dial(address.appending(.p2p(peer.id)))
                return
            } catch {
                failure = error
            }
        }
        throw failure
    }

    /// Sends one request to one peer on a new stream and reads its response, all within the
    /// request timeout (a dial in progress may outlast it; the lookup does not wait for it).
    ///
    /// ADD_PROVIDER has no response in the specification, but py-libp2p echoes it: after our
    /// FIN we read one message or the end of the stream, whichever comes.
    ///
    /// - Returns: The verified response; nil for ADD_PROVIDER.
    nonisolated func exchange(_ request: KadMessage, with peer: KadPeer) async throws -> KadMessage? {
        let clock = ContinuousClock()
        let deadline = clock.now + configuration.kad.requestTimeout
        try await connect(to: peer)
        let remaining = deadline - clock.now
        guard remaining > .zero else { throw LibP2PError.timeout("a Kademlia request") }
        let maxSize = configuration.kad.maxMessageSize
        if request.type == .addProvider {
            let stream = try await swarm.openStream(to: peer.id, protocols: [Self.protocolID], timeout: remaining)
            do {
                try await withDeadline(deadline - clock.now, "a Kademlia ADD_PROVIDER", expire: { await stream.reset() }) {
                    try await stream.write(request.framedBytes())
                    try await stream.closeWrite()
                    _ = try await stream.readLengthPrefixed(maxLength: maxSize)
                }
            } catch {
                await stream.reset()
                throw error
            }
            return nil
        }
        let bytes = try await swarm.request(
            peer.id, protocolID: Self.protocolID, request.serializedBytes(), maxResponseBytes: maxSize, timeout: remaining)
        return try KadMessage.decode(bytes, configuration: configuration.kad)
    }
}
