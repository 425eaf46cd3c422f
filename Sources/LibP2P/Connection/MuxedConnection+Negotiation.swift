import LibP2PCore
import LibP2PYamux

// Protocol negotiation (multistream-select) on new streams, both ways. Each negotiation is
// bounded in time by SwarmConfiguration.streamNegotiationTimeout: a stream still
// negotiating then is reset, so a peer that opens streams and never negotiates cannot hold
// them (nor keep the connection from going idle).
extension MuxedConnection {
    /// Opens a stream and negotiates one of `protocols` on it.
    ///
    /// - Parameters:
    ///   - protocols: Proposed in order.
    ///   - timeout: A tighter bound than ``SwarmConfiguration/streamNegotiationTimeout``.
    /// - Throws: ``LibP2PError/protocolNotSupported(_:)`` if the peer speaks none of them,
    ///   ``LibP2PError/timeout(_:)`` if negotiation took too long (the stream is reset).
    func openStream(protocols: [String], timeout: Duration? = nil) async throws -> LibP2PStream {
        guard !closed else { throw LibP2PError.connectionClosed }
        let id = try session.openStream()
        streams[id] = StreamState()
        flush()
        let limit = min(timeout ?? configuration.streamNegotiationTimeout, configuration.streamNegotiationTimeout)
        let deadline = negotiationDeadline(for: id, limit)
        do {
            let stream = try await negotiateOutbound(id, protocols: protocols)
            deadline.cancel()
            return stream
        } catch {
            deadline.cancel()
            if await deadline.value {
                throw LibP2PError.timeout("negotiating \(protocols.joined(separator: ", ")) on a new stream")
            }
            throw error
        }
    }

    /// Opens a stream for `protocolID`, which the peer is known to speak (identify said so),
    /// without waiting for its answer: the proposal and the first bytes of the protocol
    /// leave together, and the first read checks the answer (multistream-select's "lazy"
    /// mode). Saves a round trip per stream; a refusal surfaces as
    /// ``LibP2PError/protocolNotSupported(_:)`` from that read.
    func openStreamOptimistically(_ protocolID: String) async throws -> LibP2PStream {
        guard !closed else { throw LibP2PError.connectionClosed }
        let id = try session.openStream()
        streams[id] = StreamState()
        var dialer = MultistreamDialer(protocols: [protocolID])
        let proposal = dialer.start()
        streams[id]!.pendingDialer = dialer
        try await write(stream: id, proposal)
        return LibP2PStream(protocolID: protocolID, remotePeer: remotePeer, connection: self, id: id)
    }

    /// The answer to an optimistic open: agreement (bytes after it stay for the protocol),
    /// or the stream is reset and the read fails.
    func finishOptimisticNegotiation(_ dialer: inout MultistreamDialer, on id: YamuxStreamID) async throws {
        switch try await negotiate(&dialer, on: id) {
        case .agreed:
            return
        case .refused(let error):
            reset(stream: id)
            throw LibP2PError.protocolNotSupported("\(dialer.protocols.joined(separator: ", ")): \(error)")
        case .ended:
            throw LibP2PError.protocolNotSupported("the peer closed the stream during negotiation")
        }
    }

    private func negotiateOutbound(_ id: YamuxStreamID, protocols: [String]) async throws -> LibP2PStream {
        var dialer = MultistreamDialer(protocols: protocols)
        try await write(stream: id, dialer.start())
        switch try await negotiate(&dialer, on: id) {
        case .agreed(let agreed):
            return LibP2PStream(protocolID: agreed, remotePeer: remotePeer, connection: self, id: id)
        case .refused(let error):
            reset(stream: id)
            throw LibP2PError.protocolNotSupported("\(protocols.joined(separator: ", ")): \(error)")
        case .ended:
            throw LibP2PError.protocolNotSupported("the peer closed the stream during negotiation")
        }
    }

    /// Negotiates the protocol of an inbound stream and hands it to its handler.
    func serveInbound(_ id: YamuxStreamID) async {
        guard let swarm else { return reset(stream: id) }
        let deadline = negotiationDeadline(for: id, configuration.streamNegotiationTimeout)
        defer { deadline.cancel() }
        var listener = MultistreamListener(supported: await swarm.handledProtocols)
        do {
            switch try await negotiate(&listener, on: id, whenAgreed: { deadline.cancel() }) {
            case .agreed(let agreed):
                let stream = LibP2PStream(protocolID: agreed, remotePeer: remotePeer, connection: self, id: id)
                switch agreed {
                case Identify.protocolID: await swarm.serveIdentify(stream, observed: remoteAddress)
                case Identify.pushProtocolID: await swarm.receiveIdentifyPush(stream)
                default: await swarm.handler(for: agreed)?(stream)
                }
            case .refused:
                try? closeWrite(stream: id)
            case .ended:
                break
            }
        } catch {
            reset(stream: id)
        }
    }

    /// How a stream's negotiation ended.
    private enum StreamNegotiation {
        case agreed(String)
        /// No protocol in common; the refusal (`na`) has been sent.
        case refused(MultistreamError)
        /// The peer closed the stream first.
        case ended
    }

    /// Runs multistream-select on stream `id` (either side); bytes after the agreement stay
    /// in the stream for the protocol. `whenAgreed` runs before the last reply is written.
    private func negotiate(
        _ negotiator: inout some MultistreamNegotiator, on id: YamuxStreamID, whenAgreed: () -> Void = {}
    ) async throws -> StreamNegotiation {
        while true {
            guard let bytes = try await read(stream: id, maxBytes: 4096) else { return .ended }
            switch try negotiator.receive(bytes) {
            case .needMore(let send):
                if !send.isEmpty { try await write(stream: id, send) }
            case .agreed(let agreed, let send, let remainder):
                whenAgreed()
                if !send.isEmpty { try await write(stream: id, send) }
                unread(remainder, stream: id)
                return .agreed(agreed)
            case .failed(let error, let send):
                if !send.isEmpty { try? await write(stream: id, send) }
                return .refused(error)
            }
        }
    }

    /// A timer that resets stream `id` if it is still negotiating after `timeout`. Cancel
    /// it when negotiation ends; its value says whether it reset the stream.
    private func negotiationDeadline(for id: YamuxStreamID, _ timeout: Duration) -> Task<Bool, Never> {
        Task { [weak self] in
            do { try await LoopTimer.sleep(for: timeout) } catch { return false }
            return await self?.expireNegotiation(id) ?? false
        }
    }

    /// Resets a stream whose negotiation ran out of time (unless the timer was cancelled,
    /// i.e. negotiation ended, while this call waited for the actor).
    private func expireNegotiation(_ id: YamuxStreamID) -> Bool {
        guard !Task.isCancelled, streams[id] != nil else { return false }
        logger.debug("Resetting a stream whose protocol negotiation timed out", metadata: ["peer": "\(remotePeer)"])
        reset(stream: id)
        return true
    }
}
