import LibP2PCore

// Request/response over libp2p streams, the pattern the Variance protocols use: one stream
// per request, each message one uvarint-length-prefixed protobuf.
//
//   requester                                   responder
//   open stream, negotiate protocolID ────────▶ handler registered by handleRequests
//   <len><request>, FIN ──────────────────────▶ read one message (≤ maxRequestBytes)
//                                               handler(peer, request)
//   read one message (≤ maxResponseBytes) ◀──── <len><response>, FIN
//
// Either side resets the stream on anything else: an oversized message, a handler error,
// a timeout. A reset is the only error signal; the protocols put error details, when they
// have any, in their response messages.
extension Swarm {
    /// Serves requests of `protocolID`: reads one length-prefixed request, answers with what
    /// `handler` returns, length-prefixed, and closes the stream.
    ///
    /// Bounds: a request over `maxRequestBytes` is refused (stream reset) before it is read;
    /// a response over `maxResponseBytes` is not sent (stream reset: a bug on our side, and
    /// logged); the whole exchange, handler included, gets `timeout`, after which the stream
    /// is reset and the handler cancelled. A handler that throws gets the stream reset.
    ///
    /// - Parameters:
    ///   - protocolID: The protocol, e.g. `/variance/inbox/1.0.0`.
    ///   - maxRequestBytes: The largest request accepted.
    ///   - maxResponseBytes: The largest response sent.
    ///   - timeout: Time for one exchange, from negotiation to the response's end.
    ///   - handler: Turns the requesting peer and the request into the response.
    public func handleRequests(
        _ protocolID: String, maxRequestBytes: Int, maxResponseBytes: Int, timeout: Duration = .seconds(30),
        _ handler: @escaping @Sendable (PeerID, [UInt8]) async throws -> [UInt8]
    ) {
        let logger = logger
        handle(protocolID) { stream in
            do {
                try await withDeadline(timeout, "answering \(protocolID)", expire: { await stream.reset() }) {
                    guard let request = try await stream.readLengthPrefixed(maxLength: maxRequestBytes) else {
                        throw LibP2PError.protocolViolation("the stream ended before the request")
                    }
                    let response = try await handler(stream.remotePeer, request)
                    guard response.count <= maxResponseBytes else {
                        logger.error(
                            "A response is over its limit; resetting the stream",
                            metadata: ["protocol": "\(protocolID)", "bytes": "\(response.count)"])
                        throw LibP2PError.limitReached("a response of \(response.count) bytes")
                    }
                    try await stream.writeLengthPrefixed(response)
                    try await stream.closeWrite()
                }
            } catch {
                await stream.reset()
                logger.debug(
                    "Request not answered", metadata: ["protocol": "\(protocolID)", "peer": "\(stream.remotePeer)", "error": "\(error)"])
            }
        }
    }

    /// Sends one request to a connected peer on a new stream of `protocolID` and returns
    /// its response.
    ///
    /// - Parameters:
    ///   - peer: A connected peer.
    ///   - protocolID: The protocol the peer serves with ``handleRequests(_:maxRequestBytes:maxResponseBytes:timeout:_:)``.
    ///   - request: The request message (without length prefix).
    ///   - maxResponseBytes: The largest response accepted; a longer one resets the stream.
    ///   - timeout: Time for the whole exchange, negotiation included.
    /// - Returns: The response message (without length prefix).
    /// - Throws: ``LibP2PError/connectionClosed`` (not connected),
    ///   ``LibP2PError/protocolNotSupported(_:)``, ``LibP2PError/streamReset`` (refused or
    ///   failed on the other side), ``LibP2PError/protocolViolation(_:)`` (oversized or
    ///   missing response), ``LibP2PError/timeout(_:)``.
    public func request(
        _ peer: PeerID, protocolID: String, _ request: [UInt8], maxResponseBytes: Int, timeout: Duration = .seconds(30)
    ) async throws -> [UInt8] {
        let clock = ContinuousClock()
        let start = clock.now
        let stream = try await openStream(to: peer, protocols: [protocolID], timeout: timeout)
        let remaining = timeout - (clock.now - start)
        do {
            return try await withDeadline(remaining, "a \(protocolID) request", expire: { await stream.reset() }) {
                try await stream.writeLengthPrefixed(request)
                try await stream.closeWrite()
                guard let response = try await stream.readLengthPrefixed(maxLength: maxResponseBytes) else {
                    throw LibP2PError.protocolViolation("the peer closed the stream without a response")
                }
                return response
            }
        } catch {
            await stream.reset()
            throw error
        }
    }
}
