import LibP2PCore
import LibP2PNAT
import Logging

/// DCUtR (`/libp2p/dcutr`) on a swarm: upgrades a relayed connection to a direct one where
/// the NATs allow. The side that received the relayed connection runs the pure
/// ``HolePunchInitiator``; the side that dialled through the relay answers with the pure
/// ``HolePunchResponder``. This actor only executes their actions: streams, timers, dials.
public actor HolePunchService {
    public typealias Report = @Sendable (PeerID, HolePunchOutcome) async -> Void

    private let swarm: Swarm
    private let configuration: HolePunchConfiguration
    private let logger: Logger
    private let report: Report
    private var running: Set<PeerID> = []
    private let start = ContinuousClock.now

    public init(swarm: Swarm, configuration: HolePunchConfiguration = HolePunchConfiguration(), logger: Logger, report: @escaping Report) {
        self.swarm = swarm
        self.configuration = configuration
        self.logger = logger
        self.report = report
    }

    /// Answers peers that start DCUtR with us.
    public func serve() async {
        await swarm.handle(HolePunchProtocol.id) { stream in
            await self.respond(on: stream)
        }
    }

    /// Starts DCUtR with `peer` if our connection to it is relayed and inbound (once per peer
    /// at a time).
    public func upgradeIfRelayed(_ peer: PeerID) async {
        guard await swarm.hasOnlyInboundRelayedConnection(to: peer), running.insert(peer).inserted else { return }
        defer { running.remove(peer) }
        let remote = await swarm.info(of: peer)?.listenAddresses ?? []
        var machine = HolePunchInitiator(
            localAddresses: await localAddresses(), remoteListenAddresses: remote, configuration: configuration)
        let session = HolePunchSession(swarm: swarm, peer: peer, start: start, logger: logger)
        let outcome = await session.run(
            start: { now in machine.start(now: now) },
            event: { event, now in
                switch event {
                case .streamOpened: machine.streamOpened(now: now)
                case .streamOpenFailed: machine.streamOpenFailed(now: now)
                case .bytes(let bytes): machine.receive(bytes, now: now)
                case .streamClosed: machine.streamClosed(now: now)
                case .timer: machine.timerFired(now: now)
                case .dialSucceeded(let address): machine.dialSucceeded(address, now: now)
                case .dialFailed: machine.dialFailed(now: now)
                }
            })
        await report(peer, outcome)
    }

    private func respond(on stream: LibP2PStream) async {
        var machine = HolePunchResponder(localAddresses: await localAddresses(), configuration: configuration)
        let session = HolePunchSession(swarm: swarm, peer: stream.remotePeer, start: start, logger: logger, stream: stream)
        let outcome = await session.run(
            start: { now in machine.start(now: now) },
            event: { event, now in
                switch event {
                case .bytes(let bytes): machine.receive(bytes, now: now)
                case .streamClosed: machine.streamClosed(now: now)
                case .timer: machine.timerFired(now: now)
                case .dialSucceeded(let address): machine.dialSucceeded(address, now: now)
                case .dialFailed: machine.dialFailed(now: now)
                case .streamOpened, .streamOpenFailed: []
                }
            })
        await report(stream.remotePeer, outcome)
    }

    /// What we offer: our IP as peers observe it with each listening port (a port-preserving
    /// NAT maps our listening port there), then the listen addresses themselves.
    private func localAddresses() async -> [Multiaddr] {
        let listen = await swarm.listenAddresses
        var observed: [Multiaddr] = []
        for snapshot in await swarm.peers where await swarm.isDirectlyConnected(to: snapshot.peer) {
            // (Over a relayed connection the peer "observes" the relay's address.)
            guard let seen = await swarm.info(of: snapshot.peer)?.observedAddress, let ip = seen.components.first else { continue }
            for address in listen {
                guard let port = address.tcpPort, let candidate = try? Multiaddr([ip, .tcp(port)]) else { continue }
                if !observed.contains(candidate) { observed.append(candidate) }
            }
        }
        return HolePunchAddressFilter(policy: configuration.addressPolicy).advertisable(observed: observed, listen: listen)
    }
}

/// One run of a DCUtR machine: a loop over events (stream bytes, timers, dial results)
/// feeding the machine and executing the actions it returns.
actor HolePunchSession {
    enum Event: Sendable {
        case streamOpened, streamOpenFailed, bytes([UInt8]), streamClosed, timer, dialSucceeded(Multiaddr), dialFailed
    }

    private let swarm: Swarm
    private let peer: PeerID
    private let start: ContinuousClock.Instant
    private let logger: Logger
    private var stream: LibP2PStream?
    private var timer: Task<Void, Never>?
    private var dials: Task<Void, Never>?
    private var reader: Task<Void, Never>?
    private let events: AsyncStream<Event>
    private let continuation: AsyncStream<Event>.Continuation

    init(swarm: Swarm, peer: PeerID, start: ContinuousClock.Instant, logger: Logger, stream: LibP2PStream? = nil) {
        self.swarm = swarm
        self.peer = peer
        self.start = start
        self.logger = logger
        self.stream = stream
        (events, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(64))
    }

    private var now: NATInstant {
        let elapsed = ContinuousClock.now - start
        return NATInstant(milliseconds: elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
    }

    func run(
        start first: (NATInstant) -> [HolePunchAction], event: (Event, NATInstant) -> [HolePunchAction]
    ) async -> HolePunchOutcome {
        if let stream { readAll(stream) }
        var pending = first(now)
        var iterator = events.makeAsyncIterator()
        // Bounded: each machine finishes within a few timeouts; this is the backstop.
        let backstop = Task { [continuation] in
            try? await Task.sleep(for: .seconds(120))
            continuation.finish()
        }
        defer {
            backstop.cancel()
            timer?.cancel()
            dials?.cancel()
            reader?.cancel()
        }
        while true {
            for action in pending {
                if case .finished(let outcome) = action { return outcome }
                await execute(action)
            }
            guard let next = await iterator.next() else { return .failed(.timedOut(waitingFor: .sync)) }
            pending = event(next, now)
        }
    }

    private func execute(_ action: HolePunchAction) async {
        switch action {
        case .openStream:
            Task {
                do {
                    let opened = try await swarm.newStream(to: peer, protocols: [HolePunchProtocol.id])
                    self.adopt(opened)
                    continuation.yield(.streamOpened)
                } catch {
                    continuation.yield(.streamOpenFailed)
                }
            }
        case .write(let bytes):
            try? await stream?.write(bytes)
        case .closeStream:
            try? await stream?.closeWrite()
        case .wait(let until):
            timer?.cancel()
            let delay = until - now
            timer = Task { [continuation] in
                try? await Task.sleep(for: max(delay, .zero))
                if !Task.isCancelled { continuation.yield(.timer) }
            }
        case .dial(let addresses, let role):
            dials?.cancel()
            let swarm = swarm
            let peer = peer
            let asListener = role == .simultaneousOpenServer
            dials = Task { [continuation, logger] in
                let winner = await withTaskGroup(of: Multiaddr?.self) { group in
                    for address in addresses {
                        group.addTask {
                            do {
                                _ = try await swarm.dialHolePunch(address, expecting: peer, asListener: asListener, timeout: .seconds(5))
                                return address
                            } catch {
                                logger.debug("A hole-punch dial failed", metadata: ["address": "\(address)", "error": "\(error)"])
                                return nil
                            }
                        }
                    }
                    for await result in group where result != nil {
                        group.cancelAll()
                        return result
                    }
                    return nil
                }
                guard !Task.isCancelled else { return }
                // The peer's dial may have won the race into our listener instead.
                if let winner {
                    continuation.yield(.dialSucceeded(winner))
                } else if await swarm.isDirectlyConnected(to: peer), let address = addresses.first {
                    continuation.yield(.dialSucceeded(address))
                } else {
                    continuation.yield(.dialFailed)
                }
            }
        case .cancelDials:
            dials?.cancel()
        case .finished:
            break
        }
    }

    private func adopt(_ opened: LibP2PStream) {
        stream = opened
        readAll(opened)
    }

    private func readAll(_ stream: LibP2PStream) {
        reader?.cancel()
        reader = Task { [continuation] in
            do {
                while let bytes = try await stream.read(maxBytes: 4096) { continuation.yield(.bytes(bytes)) }
            } catch {}
            continuation.yield(.streamClosed)
        }
    }
}
