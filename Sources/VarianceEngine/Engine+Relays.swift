import Foundation
import LibP2P
import LibP2PCore
import LibP2PNAT
import LibP2PRelay

/// Reachability behind NATs: the engine holds a reservation on every relay of
/// `p2p.relay_peers`, refreshes it before it runs out, and reserves again as soon as a relay
/// comes back. Our `…/p2p-circuit` addresses go out in identify, invites and `node.status`,
/// so contacts can reach us through any relay that still holds us; losing one relay costs
/// nothing while another holds a reservation, and a lost reservation is retried within
/// seconds (at most ``relayRetryCeiling``).
extension Engine {
    /// The longest wait between two attempts to reserve on a relay that refuses or is down.
    static let relayRetryCeiling: Duration = .seconds(20)
    /// How often a held reservation's connection is pinged (connections idle for five
    /// minutes close, on either side).
    static let relayKeepAlive: Duration = .seconds(60)
    /// Refresh this long before a reservation ends.
    static let relayRefreshMargin: Int64 = 120

    /// Starts one keeper per configured relay (once).
    func startRelayKeepers(_ node: Swarm) async {
        guard relayKeepers.isEmpty, !configuration.relayPeers.isEmpty else { return }
        await node.acceptRelayedConnections()
        for text in configuration.relayPeers {
            guard let address = try? Multiaddr(text), let relay = address.peerID else { continue }
            let (wakes, waker) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
            relayWakers[relay] = waker
            relayKeepers.append(Task { [weak self] in await self?.keepReservation(on: address, relay: relay, node: node, wakes: wakes, waker: waker) })
        }
    }

    func stopRelayKeepers() {
        relayKeepers.forEach { $0.cancel() }
        relayKeepers = []
        relayWakers.values.forEach { $0.finish() }
        relayWakers = [:]
    }

    /// A relay's connection ended: forget its reservation and have its keeper try again.
    func relayDisconnected(_ peer: PeerID, node: Swarm) async {
        guard let waker = relayWakers[peer] else { return }
        await node.dropReservation(on: peer)
        waker.yield()
        try? emit(.nodeStatus(try await nodeStatus()))
    }

    /// Reserves on `address`, then sleeps until the reservation needs refreshing or the
    /// relay drops us; retries with a short backoff while it fails. Runs until cancelled.
    private nonisolated func keepReservation(
        on address: Multiaddr, relay: PeerID, node: Swarm, wakes: AsyncStream<Void>,
        waker: AsyncStream<Void>.Continuation
    ) async {
        var failures = 0
        var wakeIterator = wakes.makeAsyncIterator()
        var expires: Int64 = 0  // unix seconds; 0: none held
        var lastProbe = ContinuousClock.now
        while !Task.isCancelled {
            var wait = Self.relayKeepAlive
            let now = Int64(Date().timeIntervalSince1970)
            if expires - now > Self.relayRefreshMargin, await node.isConnected(to: relay) {
                // Held: a ping keeps the connection (and so the reservation) from going idle;
                // and whatever was left for us there meanwhile comes in.
                _ = try? await node.ping(relay)
                await fetchOfflineMail(from: address, node: node)
                if ContinuousClock.now - lastProbe > Self.reachabilityRefresh {
                    await probeReachability(via: relay, node: node)
                    lastProbe = ContinuousClock.now
                }
            } else {
                do {
                    let reservation = try await node.reserve(on: address)
                    failures = 0
                    expires = Int64(reservation.expires)
                    logger.info("Relay reservation held", metadata: ["relay": "\(relay)", "expires": "\(reservation.expires)"])
                    await reservationChanged(relay: relay)
                    await fetchOfflineMail(from: address, node: node)
                    await probeReachability(via: relay, node: node)
                    lastProbe = ContinuousClock.now
                } catch {
                    failures += 1
                    expires = 0
                    logger.info("No reservation on a relay yet", metadata: ["relay": "\(relay)", "error": "\(error)"])
                    wait = min(.seconds(1 << min(failures, 5)) / 2, Self.relayRetryCeiling)
                }
            }
            // Sleep, unless the relay drops us first: the timer and a disconnect both
            // wake the same stream (a stale wake-up only brings a refresh forward).
            let timer = Task {
                try? await Task.sleep(for: wait)
                if !Task.isCancelled { waker.yield() }
            }
            let woke = await wakeIterator.next()
            timer.cancel()
            if woke == nil { return }  // the engine is closing
            if !(await node.isConnected(to: relay)) { expires = 0 }
        }
    }

    /// How often a relay is asked again whether we are reachable (AutoNAT).
    static let reachabilityRefresh: Duration = .seconds(15 * 60)

    /// Asks `relay` (AutoNAT) to dial us back at our listen addresses as it sees our IP;
    /// a changed verdict shows in `node.status` (`nat`).
    func probeReachability(via relay: PeerID, node: Swarm) async {
        guard let autonat else { return }
        let listen = await node.listenAddresses
        var candidates: [Multiaddr] = []
        // Our IP as the relay sees it, with each listening port: what a NAT would have to
        // forward for us to be reachable.
        if let observed = await node.info(of: relay)?.observedAddress, let ip = observed.components.first {
            for address in listen {
                guard let port = address.tcpPort, let candidate = try? Multiaddr([ip, .tcp(port)]) else { continue }
                if !candidates.contains(candidate) { candidates.append(candidate) }
            }
        }
        candidates += listen.filter { !candidates.contains($0) }
        guard !candidates.isEmpty else { return }
        let before = await autonat.reachability
        let after = await autonat.probe(via: relay, addresses: candidates)
        if after != before {
            logger.info("Reachability", metadata: ["nat": "\(after)"])
            try? emit(.nodeStatus(try await nodeStatus()))
        }
    }

    /// A reservation was made or refreshed: tell the frontends and our contacts' peers.
    private func reservationChanged(relay: PeerID) async {
        try? emit(.nodeStatus(try await nodeStatus()))
    }
}
