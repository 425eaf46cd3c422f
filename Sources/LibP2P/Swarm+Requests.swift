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
        let stream = try await openStreamFast(to: peer, protocolID: protocolID, timeout: timeout)
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

// Batched request/response: several requests on one stream, for protocols whose messages
// come in bursts (direct messages). The single request above is the batch of one.
//
//   requester                                   responder
//   open stream, negotiate protocolID ────────▶ handler registered by handleBatches
//   <len><req 1> … <len><req n>, FIN ─────────▶ read until FIN (at most maxRequests)
//                                               handler(peer, [req 1 … req n])
//   read until FIN ◀────────────────────────── <len><resp 1> … <len><resp n>, FIN
extension Swarm {
    /// Serves batches of `protocolID`: reads length-prefixed requests until the peer's FIN,
    /// answers with one response per request, in order, and closes the stream.
    ///
    /// Bounds: each request at most `maxRequestBytes`, at most `maxRequests` of them (one
    /// more resets the stream), each response at most `maxResponseBytes`; the whole exchange
    /// gets `timeout`. A handler that throws, or returns a different number of responses,
    /// gets the stream reset.
    public func handleBatches(
        _ protocolID: String, maxRequestBytes: Int, maxRequests: Int, maxResponseBytes: Int,
        timeout: Duration = .seconds(30),
        _ handler: @escaping @Sendable (PeerID, [[UInt8]]) async throws -> [[UInt8]]
    ) {
        let logger = logger
        handle(protocolID) { stream in
            do {
                try await withDeadline(timeout, "answering \(protocolID)", expire: { await stream.reset() }) {
                    var requests: [[UInt8]] = []
                    while let request = try await stream.readLengthPrefixed(maxLength: maxRequestBytes) {
                        guard requests.count < maxRequests else {
                            throw LibP2PError.limitReached("more than \(maxRequests) requests on one stream")
                        }
                        requests.append(request)
                    }
                    guard !requests.isEmpty else { throw LibP2PError.protocolViolation("the stream ended before a request") }
                    let responses = try await handler(stream.remotePeer, requests)
                    guard responses.count == requests.count, responses.allSatisfy({ $0.count <= maxResponseBytes }) else {
                        throw LibP2PError.limitReached("responses do not fit the requests")
                    }
                    try await stream.write(Self.lengthPrefixed(responses))
                    try await stream.closeWrite()
                }
            } catch {
                await stream.reset()
                logger.debug(
                    "Batch not answered", metadata: ["protocol": "\(protocolID)", "peer": "\(stream.remotePeer)", "error": "\(error)"])
            }
        }
    }

    /// Sends `requests` on one new stream of `protocolID` and returns the responses read
    /// before the peer closed: one per request, in order, or fewer if the peer stopped early
    /// (those requests must be treated as not answered). A failure mid-way throws, and then
    /// any of the requests may have been handled: repeating one must be harmless.
    /// - Throws: as ``request(_:protocolID:_:maxResponseBytes:timeout:)`` when the stream
    ///   cannot be opened or written.
    public func batchRequest(
        _ peer: PeerID, protocolID: String, _ requests: [[UInt8]], maxResponseBytes: Int, timeout: Duration = .seconds(30)
    ) async throws -> [[UInt8]] {
        let clock = ContinuousClock()
        let start = clock.now
        let stream = try await openStreamFast(to: peer, protocolID: protocolID, timeout: timeout)
        let remaining = timeout - (clock.now - start)
        do {
            return try await withDeadline(remaining, "a \(protocolID) batch", expire: { await stream.reset() }) {
                try await stream.write(Self.lengthPrefixed(requests))
                try await stream.closeWrite()
                var responses: [[UInt8]] = []
                while responses.count < requests.count,
                    let response = try await stream.readLengthPrefixed(maxLength: maxResponseBytes)
                {
                    responses.append(response)
                }
                return responses
            }
        } catch {
            // What was answered before a failure is not known here: the caller retries the
            // whole batch, and the protocol must make a repeated request harmless.
            await stream.reset()
            throw error
        }
    }

    static func lengthPrefixed(_ messages: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(messages.reduce(0) { $0 + $1.count + 3 })
        for message in messages {
            out += Varint.encode(UInt64(message.count))
            out += message
        }
        return out
    }
}
