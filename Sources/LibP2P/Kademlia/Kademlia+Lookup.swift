import LibP2PCore
import LibP2PKad

// The lookup driver: the pure KadLookup decides whom to ask; each request runs in its own
// task (dial if needed, one stream, one response) and reports back on a channel the driver
// reads. A timer wakes the driver at the lookup's next request timeout, so a peer that
// never answers costs at most the request timeout, even while its dial is still under way.
//
//   next(now:) ──.query──► task: exchange(request) ──► .answered / .failed ─┐
//        ▲                                                                  │
//        └──────── received / failed / (timer) .wake ◄── channel ◄──────────┘
extension Kademlia {
    /// What wakes a running lookup.
    enum LookupEvent: Sendable {
        /// A peer answered.
        case answered(KadPeer, KadMessage)
        /// A request failed (dial, stream, timeout, malformed answer).
        case failed(PeerID)
        /// A timeout may have passed, or shutdown began.
        case wake
    }

    /// Runs one lookup to its end (or ``KademliaConfiguration/lookupTimeout``, or until
    /// `stop` says so for a response).
    ///
    /// Bound: at most ``KademliaConfiguration/maxConcurrentLookups`` run at once; the channel
    /// holds at most one event per request sent plus one wake-up.
    ///
    /// - Parameters:
    ///   - kind: FIND_NODE, GET_VALUE or GET_PROVIDERS.
    ///   - key: The key.
    ///   - stop: Looks at each response; true ends the lookup early (its result is then
    ///     whatever it has, `closest` empty).
    /// - Returns: The result (with `closest` empty if the lookup was cut short).
    /// - Throws: ``KademliaError/noPeers`` with an empty routing table, ``KademliaError/busy``,
    ///   ``KademliaError/shutDown``.
    func lookup(
        _ kind: KadLookup.Kind, key: [UInt8], until stop: (KadMessage) -> Bool = { _ in false }
    ) async throws(KademliaError) -> KadLookup.Result {
        guard !closed else { throw .shutDown }
        guard node.routingTable.count > 0 else { throw .noPeers }
        guard runningLookups.count < configuration.maxConcurrentLookups else { throw .busy }
        let id = nextLookupID
        nextLookupID += 1
        let (events, continuation) = AsyncStream.makeStream(of: LookupEvent.self)
        runningLookups[id] = continuation
        var timer: Task<Void, Never>?
        defer {
            timer?.cancel()
            continuation.finish()
            runningLookups[id] = nil
        }
        var lookup = node.lookup(kind, key: key)
        let clock = ContinuousClock()
        let deadline = clock.now + configuration.lookupTimeout
        var iterator = events.makeAsyncIterator()
        while !closed {
            let now = Self.now()
            issuing: while true {
                switch lookup.next(now: now) {
                case .query(let peer, let request):
                    Task { [weak self] in
                        guard let self else {
                            continuation.yield(.failed(peer.id))
                            return
                        }
                        do {
                            let response = try await self.exchange(request, with: peer)
                            continuation.yield(response.map { .answered(peer, $0) } ?? .failed(peer.id))
                        } catch {
                            continuation.yield(.failed(peer.id))
                        }
                    }
                case .waiting:
                    break issuing
                case .finished:
                    return lookup.result
                }
            }
            guard clock.now < deadline else {
                logger.debug("A Kademlia lookup ran out of time", metadata: ["sent": "\(lookup.requestsSent)"])
                break
            }
            timer?.cancel()
            let untilTimeout = lookup.nextTimeout.map { $0 - now } ?? configuration.kad.requestTimeout
            let wake = min(deadline, clock.now + max(untilTimeout, .milliseconds(1)))
            timer = Task {
                do {
                    try await Task.sleep(until: wake, clock: clock)
                    continuation.yield(.wake)
                } catch {}
            }
            guard let event = await iterator.next() else { break }
            switch event {
            case .answered(let peer, let response):
                lookup.received(response, from: peer.id, now: Self.now())
                seen(peer)
                if stop(response) { return lookup.result }
            case .failed(let peer):
                lookup.failed(peer, now: Self.now())
                node.peerUnreachable(peer)
            case .wake:
                break
            }
        }
        return lookup.result
    }

    /// Sends `request` to every peer at once (at most k of them) and counts the successes: an
    /// echo of the same type for PUT_VALUE, a clean exchange for ADD_PROVIDER.
    func send(_ request: KadMessage, to peers: [KadPeer]) async -> Int {
        guard !closed else { return 0 }
        let targets = Array(peers.filter { $0.id != localPeer }.prefix(configuration.kad.k))
        return await withTaskGroup(of: Bool.self) { group in
            for peer in targets {
                group.addTask {
                    do {
                        let response = try await self.exchange(request, with: peer)
                        return request.type == .addProvider || response?.type == request.type
                    } catch {
                        return false
                    }
                }
            }
            var succeeded = 0
            for await ok in group where ok { succeeded += 1 }
            return succeeded
        }
    }
}
