import LibP2PCore
import LibP2PKad

// The server side of /ipfs/kad/1.0.0 (server mode only). Several requests may come on one
// stream (py-libp2p and go reuse streams), each uvarint-length-prefixed; each gets its
// response in order, ADD_PROVIDER none. Anything wrong resets the stream: a message over the
// size limit (refused as soon as its prefix says so), bytes that do not decode, a request
// the core refuses, a stream silent for longer than the idle timeout, too many requests, or
// the end of the stream in the middle of a message.
extension Kademlia {
    /// Serves one inbound stream.
    func serve(_ stream: LibP2PStream) async {
        guard !closed, inboundStreams < configuration.maxInboundStreams else {
            await stream.reset()
            return
        }
        inboundStreams += 1
        defer { inboundStreams -= 1 }
        let peer = stream.remotePeer
        if let info = await swarm.info(of: peer) { noteIdentified(peer, info) }
        let idle = configuration.inboundIdleTimeout
        var decoder = LengthPrefixedDecoder(maxMessageLength: configuration.kad.maxMessageSize)
        var answered = 0
        do {
            while true {
                let chunk = try await withDeadline(idle, "an idle Kademlia stream", expire: { await stream.reset() }) {
                    try await stream.read(maxBytes: 64 * 1024)
                }
                guard let chunk else { break }
                decoder.append(chunk)
                while let request = try decoder.next() {
                    answered += 1
                    guard answered <= configuration.maxRequestsPerStream, !closed else {
                        throw LibP2PError.limitReached("\(configuration.maxRequestsPerStream) Kademlia requests on one stream")
                    }
                    guard let response = try node.handle(requestBytes: request, from: peer, now: Self.now()) else { continue }
                    try await withDeadline(idle, "a Kademlia response", expire: { await stream.reset() }) {
                        try await stream.writeLengthPrefixed(response)
                    }
                }
            }
            guard decoder.bufferedCount == 0 else {
                throw LibP2PError.protocolViolation("the stream ended inside a Kademlia message")
            }
            try await stream.closeWrite()
        } catch {
            await stream.reset()
            logger.debug("Kademlia stream reset", metadata: ["peer": "\(peer)", "error": "\(error)"])
        }
    }
}
