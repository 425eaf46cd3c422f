import LibP2PCore
import LibP2PProtos

// Identify (`/ipfs/id/1.0.0`) both ways, and identify push (`/ipfs/id/push/1.0.0`) both
// ways. Every exchange is bounded by Identify.exchangeTimeout; what we learn is kept only
// while the peer is connected.
//
// Pushes: a change of our protocols or listen addresses sets `pushPending`; one task at a
// time sends the current state to every connected peer, and goes round again if more
// changes came in meanwhile, so a burst of changes costs one or two rounds, not one each.
extension Swarm {
    /// What we know of a peer, from Identify and its pushes.
    public func info(of peer: PeerID) -> Identify.Info? { identified[peer] }

    /// Asks the peer who it is; stores the answer.
    func identify(over connection: MuxedConnection) async {
        let peer = connection.remotePeer
        var opened: LibP2PStream?
        do {
            let stream = try await connection.openStream(protocols: [Identify.protocolID])
            opened = stream
            let bytes = try await withDeadline(Identify.exchangeTimeout, "identify", expire: { await stream.reset() }) {
                let bytes = try await stream.readLengthPrefixed(maxLength: Identify.maxMessageBytes)
                // We never write on this stream: close our side, or it stays half-open (a
                // yamux stream slot) for the life of the connection.
                try? await stream.closeWrite()
                return bytes
            }
            if let bytes, isConnected(to: peer) {
                remember(try Identify.decode(bytes, from: peer), of: peer)
                eventContinuation.yield(.peerIdentified(peer))
            }
        } catch {
            await opened?.reset()
            logger.debug("Identify failed", metadata: ["peer": "\(peer)", "error": "\(error)"])
        }
    }

    /// Answers an inbound identify request on `stream`.
    func serveIdentify(_ stream: LibP2PStream, observed: Multiaddr?) async {
        await send(identifyMessage(observed: observed), on: stream)
    }

    /// Takes an identify push: fields it carries replace what we knew, absent ones stay.
    func receiveIdentifyPush(_ stream: LibP2PStream) async {
        let peer = stream.remotePeer
        do {
            let bytes = try await withDeadline(Identify.exchangeTimeout, "identify push", expire: { await stream.reset() }) {
                let bytes = try await stream.readLengthPrefixed(maxLength: Identify.maxMessageBytes)
                // A push gets no answer, but our side must close (go-libp2p does too), or
                // every push leaves a half-open stream counted against the stream limit.
                try await stream.closeWrite()
                return bytes
            }
            if let bytes, isConnected(to: peer) {
                remember(try Identify.decode(bytes, from: peer, updating: identified[peer] ?? Self.unknown), of: peer)
                eventContinuation.yield(.peerIdentified(peer))
            }
        } catch {
            await stream.reset()
            logger.debug("Identify push refused", metadata: ["peer": "\(peer)", "error": "\(error)"])
        }
    }

    /// Keeps what a peer told us. Peers running the same software announce the same
    /// protocols: their lists share one copy (a relay keeps thousands of peers' records).
    private func remember(_ info: Identify.Info, of peer: PeerID) {
        var info = info
        if let known = protocolLists.firstIndex(of: info.protocols) {
            info.protocols = protocolLists[known]
        } else if protocolLists.count < Self.maxProtocolLists {
            protocolLists.insert(info.protocols)
        }
        identified[peer] = info
    }

    /// Distinct protocol lists kept for sharing; others are stored as they came.
    static let maxProtocolLists = 64

    /// A peer we have no Identify answer from yet.
    private static let unknown = Identify.Info(agentVersion: "", protocolVersion: "", protocols: [], listenAddresses: [])

    // MARK: Pushing

    /// Our protocols or listen addresses changed: tell every connected peer.
    func schedulePush() {
        guard !closed, !connections.isEmpty else { return }
        pushPending = true
        if pushTask == nil { pushTask = Task { await self.pushWhilePending() } }
    }

    private func pushWhilePending() async {
        while pushPending, !closed {
            pushPending = false
            let targets = connections.values.compactMap(\.first)
            await withTaskGroup(of: Void.self) { group in
                for connection in targets { group.addTask { await self.push(over: connection) } }
            }
        }
        pushTask = nil
    }

    /// Sends our current Identify message on a new push stream.
    private func push(over connection: MuxedConnection) async {
        do {
            let stream = try await connection.openStream(protocols: [Identify.pushProtocolID])
            await send(identifyMessage(observed: connection.remoteAddress), on: stream)
        } catch {
            logger.debug("Identify push failed", metadata: ["peer": "\(connection.remotePeer)", "error": "\(error)"])
        }
    }

    /// Writes one Identify message and closes our side; resets the stream on failure.
    private func send(_ message: Libp2p_Identify_Identify, on stream: LibP2PStream) async {
        do {
            let bytes: [UInt8] = try message.serializedBytes()
            try await withDeadline(Identify.exchangeTimeout, "sending identify", expire: { await stream.reset() }) {
                try await stream.writeLengthPrefixed(bytes)
                try await stream.closeWrite()
            }
        } catch {
            await stream.reset()
        }
    }

    /// Who we are, what we speak and where we listen, and where the peer is seen from.
    private func identifyMessage(observed: Multiaddr?) -> Libp2p_Identify_Identify {
        Identify.message(
            publicKey: LibP2PPublicKey(ed25519: Array(identity.publicKey.rawRepresentation)),
            agent: configuration.agentVersion, protocols: supportedProtocols, listenAddresses: listenAddresses + relayedAddresses,
            observed: observed)
    }
}
