import Crypto
import LibP2PCore
import LibP2PRelay
import Logging
import NIOCore
import NIOPosix

/// A libp2p node: listens on and dials TCP multiaddrs, secures every connection with Noise,
/// multiplexes it with yamux, answers Identify and Ping, and routes inbound streams to the
/// handler registered for their protocol.
///
/// The protocol logic lives in pure cores (multistream-select, Noise, yamux); the swarm owns
/// connections and limits. A socket connection runs no task of its own once upgraded: its
/// channel handler feeds it (``SocketInbound``); see ``MuxedConnection``.
public actor Swarm {
    public typealias StreamHandler = @Sendable (LibP2PStream) async -> Void

    public nonisolated let localPeer: PeerID
    public nonisolated let configuration: SwarmConfiguration
    let identity: Curve25519.Signing.PrivateKey
    let logger: Logger
    private let group: any EventLoopGroup
    private var handlers: [String: StreamHandler] = [:]
    /// Each listening socket, and the task that accepts on it (it holds the swarm until the
    /// socket is closed and its connections are all handed over).
    private var listeners: [(address: Multiaddr, channel: any Channel, accepting: Task<Void, Never>)] = []
    var connections: [PeerID: [MuxedConnection]] = [:]
    var pendingHandshakes = 0
    /// Inbound handshakes still running, by the remote IP address.
    var pendingHandshakesByAddress: [String: Int] = [:]
    private var pendingDials: [PeerID: Task<PeerID, any Error>] = [:]
    /// What Identify (and identify push) told us, per connected peer.
    var identified: [PeerID: Identify.Info] = [:]
    /// Protocol lists seen in identify records, each kept once (see `remember`).
    var protocolLists: Set<[String]> = []
    var latencies: [PeerID: Duration] = [:]
    let eventContinuation: AsyncStream<SwarmEvent>.Continuation
    /// Whether our protocols or addresses changed since the last identify push began.
    var pushPending = false
    /// The task sending identify pushes, while one runs (one at a time).
    var pushTask: Task<Void, Never>?
    /// Reservations we hold on relays, by relay.
    var relayReservations: [PeerID: RelayReservation] = [:]
    /// Closes idle connections (see ``SwarmConfiguration/idleTimeout``).
    var idleSweeper: Task<Void, Never>?
    /// Connection events. Bounded: the oldest are dropped if nobody reads.
    public nonisolated let events: AsyncStream<SwarmEvent>
    private(set) var closed = false

    public init(
        identity: Curve25519.Signing.PrivateKey, configuration: SwarmConfiguration = SwarmConfiguration(),
        logger: Logger, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.identity = identity
        self.localPeer = PeerID(ed25519PublicKey: Array(identity.publicKey.rawRepresentation))
        self.configuration = configuration
        self.logger = logger
        self.group = group
        (events, eventContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1024))
        handlers[Ping.protocolID] = { stream in await Ping.serve(stream) }
    }

    // MARK: Protocols

    /// Registers the handler for inbound streams of `protocolID`. Connected peers hear
    /// of a new protocol by identify push.
    public func handle(_ protocolID: String, _ handler: @escaping StreamHandler) {
        guard !closed else { return }  // a closed swarm keeps no handler (see close())
        let isNew = handlers[protocolID] == nil
        handlers[protocolID] = handler
        if isNew { schedulePush() }
    }

    /// The protocols we answer, for Identify.
    public var supportedProtocols: [String] {
        (Array(handlers.keys) + [Identify.protocolID, Identify.pushProtocolID]).sorted()
    }

    func handler(for protocolID: String) -> StreamHandler? { handlers[protocolID] }

    var handledProtocols: Set<String> {
        Set(handlers.keys).union([Identify.protocolID, Identify.pushProtocolID])
    }

    // MARK: Listening

    /// Listens on a TCP multiaddr (`/ip4/127.0.0.1/tcp/0`); returns the bound address.
    @discardableResult
    public func listen(on address: Multiaddr) async throws -> Multiaddr {
        let (host, port) = try TCPAddress.hostAndPort(of: address)
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            // Hole punching dials from the listening port.
            .serverChannelOption(reusePortOption, value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.recvAllocator, value: Self.receiveBuffers)
            .bind(host: host, port: port) { [budget = configuration.maxBytesBeforeAuthentication] channel in
                channel.eventLoop.makeCompletedFuture { try Self.socket(channel, budget: budget) }
            }
        let bound = try TCPAddress.multiaddr(of: server.channel.localAddress)
        let accepting = Task {
            do {
                try await server.executeThenClose { inbound in
                    for try await connection in inbound {
                        self.accept(connection)
                    }
                }
            } catch {
                self.logger.debug("Listener stopped", metadata: ["address": "\(bound)", "error": "\(error)"])
            }
        }
        listeners.append((bound, server.channel, accepting))
        eventContinuation.yield(.listening(bound))
        schedulePush()
        return bound
    }

    /// The addresses we listen on.
    public var listenAddresses: [Multiaddr] { listeners.map(\.address) }

    private func accept(_ socket: Socket) {
        let address = socket.channel.remoteAddress?.ipAddress
        guard !closed, pendingHandshakes < configuration.maxPendingHandshakes, connectionCount < configuration.maxConnections,
            (address.flatMap { pendingHandshakesByAddress[$0] } ?? 0) < configuration.maxPendingHandshakesPerAddress
        else {
            logger.debug("Refusing an inbound connection at the limit")
            socket.channel.close(promise: nil)
            return
        }
        if let address { pendingHandshakesByAddress[address, default: 0] += 1 }
        start(socket, role: .listener, expectedPeer: nil, upgraded: nil, pendingAddress: address)
    }

    /// A TCP socket as the swarm holds it: the channel, and the handler that reads it.
    struct Socket: Sendable {
        let channel: any Channel
        let inbound: SocketInbound
    }

    /// Sets up a new TCP channel's pipeline (on its event loop): one reading handler; writes
    /// go to the channel directly (``ChannelFrameWriter``).
    static func socket(_ channel: any Channel, budget: Int) throws -> Socket {
        let inbound = SocketInbound(limit: budget)
        try channel.pipeline.syncOperations.addHandler(inbound)
        return Socket(channel: channel, inbound: inbound)
    }

    // MARK: Dialling

    /// Connects to `address` (which may end in `/p2p/<peer>`), or returns at once if
    /// already connected to that peer. Concurrent dials to one peer share one attempt.
    @discardableResult
    public func dial(_ address: Multiaddr) async throws -> PeerID {
        guard !closed else { throw LibP2PError.connectionClosed }
        if let circuit = CircuitAddress(address) {
            if let target = circuit.target, connections[target]?.isEmpty == false { return target }
            return try await dialRelayed(circuit, original: address)
        }
        let expected = address.peerID
        if let expected {
            if connections[expected]?.isEmpty == false { return expected }
            if let pending = pendingDials[expected] { return try await pending.value }
        }
        guard connectionCount < configuration.maxConnections else {
            throw LibP2PError.limitReached("\(configuration.maxConnections) connections")
        }
        let task = Task { try await self.performDial(address, expected: expected) }
        if let expected { pendingDials[expected] = task }
        defer { if let expected { pendingDials[expected] = nil } }
        return try await task.value
    }

    private func performDial(_ address: Multiaddr, expected: PeerID?) async throws -> PeerID {
        let (host, port) = try TCPAddress.hostAndPort(of: address)
        let socket: Socket
        let budget = configuration.maxBytesBeforeAuthentication
        do {
            socket = try await ClientBootstrap(group: group)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelOption(.recvAllocator, value: Self.receiveBuffers)
                .connectTimeout(.seconds(10))
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture { try Self.socket(channel, budget: budget) }
                }
        } catch {
            throw LibP2PError.dialFailed("\(address): \(error)")
        }
        return try await withCheckedThrowingContinuation { continuation in
            start(socket, role: .dialer, expectedPeer: expected, upgraded: continuation, pendingAddress: nil)
        }
    }

    // MARK: Connections

    /// Receive buffers start at 512 bytes (NIO's default is 2 KiB) and grow while reads
    /// fill them, up to 64 KiB. A channel keeps its largest buffer for reuse, so an idle
    /// connection (a relay reservation) that never carried bulk data holds 512 bytes.
    static let receiveBuffers = AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 512, maximum: 65536)

    var connectionCount: Int { connections.values.reduce(0) { $0 + $1.count } + pendingHandshakes }

    /// Runs the upgrade and then the connection on a socket we opened in an unusual way
    /// (hole punching), as `role`.
    func startUpgrade(
        _ socket: Socket, role: Upgrader.Role, expectedPeer: PeerID?, upgraded: CheckedContinuation<PeerID, any Error>?
    ) {
        start(socket, role: role, expectedPeer: expectedPeer, upgraded: upgraded, pendingAddress: nil)
    }

    /// Upgrades a TCP connection in a task that ends with the upgrade; after it the
    /// socket's handler feeds the connection (see ``SocketInbound``).
    private func start(
        _ socket: Socket, role: Upgrader.Role, expectedPeer: PeerID?, upgraded: CheckedContinuation<PeerID, any Error>?,
        pendingAddress: String?
    ) {
        pendingHandshakes += 1
        let channel = socket.channel
        let executor = EventLoopTaskExecutor(channel.eventLoop)
        let remoteAddress = try? TCPAddress.multiaddr(of: channel.remoteAddress)
        let frames = ChannelFrameWriter(channel, maxBufferedBytes: configuration.maxQueuedOutputBytes)
        let budget = configuration.maxBytesBeforeAuthentication
        Task(executorPreference: executor) {
            await self.runConnection(
                reader: ByteReader(socket.inbound, budget: budget), writer: ByteWriter(frames), frames: .channel(frames),
                remoteAddress: remoteAddress, role: role, expectedPeer: expectedPeer, upgraded: upgraded,
                executor: executor, eventLoop: channel.eventLoop, pendingAddress: pendingAddress,
                close: { frames.close() })
        }
    }

    /// Runs one connection over a raw byte transport (a socket, or a relayed stream): the
    /// upgrade, then the muxer until either side ends it. `upgraded` learns the outcome of
    /// the upgrade; `writer` carries the handshake and `frames` the muxed connection after
    /// it; `close` tears the raw transport down. On a socket this returns after the upgrade
    /// (the socket's handler reads from then on); over a relayed stream, once the connection
    /// under it taps the stream (it feeds this one from then on).
    /// `pendingAddress` is the remote IP an inbound handshake counts against.
    nonisolated func runConnection(
        reader: ByteReader, writer: ByteWriter, frames: FrameSink, remoteAddress: Multiaddr?, role: Upgrader.Role,
        expectedPeer: PeerID?, upgraded: CheckedContinuation<PeerID, any Error>?, executor: (any TaskExecutor)?,
        eventLoop loop: any EventLoop, pendingAddress: String? = nil, close: @escaping @Sendable () -> Void
    ) async {
        var reader = reader
        // A NIO timer, not a sleeping task: cancelled, it is gone at once (see LoopTimer).
        let timeout = loop.scheduleTask(in: .nanoseconds(configuration.handshakeTimeout.nanoseconds)) { close() }
        let result: Upgrader.Upgraded
        do {
            result = try await Upgrader(role: role, identity: identity, expectedPeer: expectedPeer)
                .upgrade(reader: &reader, outbound: writer)
        } catch {
            timeout.cancel()
            await self.handshakeEnded(pendingAddress: pendingAddress)
            logger.debug("Handshake failed", metadata: ["error": "\(error)"])
            upgraded?.resume(throwing: error)
            close()
            return
        }
        timeout.cancel()
        reader.removeBudget()
        let connection = MuxedConnection(
            remotePeer: result.remotePeer, remoteAddress: remoteAddress, isDialer: role == .dialer,
            transport: result.transport, swarm: self, configuration: configuration, logger: logger, eventLoop: loop,
            executor: executor, sink: frames, closeTransport: close)
        guard await self.register(connection, pendingAddress: pendingAddress) else {
            // Both sides dialled at once and the peer's connections are full: what the dial
            // wanted, a connection to that peer, exists (one the peer opened). Our own dials
            // beyond the limit fail. (This used to be decided by a race: the listener's close
            // could overtake its last negotiation message, which failed the dial first.)
            if await self.hasConnectionOpened(by: result.remotePeer) {
                upgraded?.resume(returning: result.remotePeer)
            } else {
                upgraded?.resume(throwing: LibP2PError.limitReached("connections to \(result.remotePeer)"))
            }
            close()
            return
        }
        upgraded?.resume(returning: result.remotePeer)
        Task(executorPreference: executor) { await self.identify(over: connection) }
        // On a socket the connection writes its frames itself; over a relayed stream one
        // writer task does. Either closes the transport after the last frame (GoAway), which
        // also ends a relayed connection's input (the tap ends with the stream) if the peer stays silent.
        if case .stream = frames {
            Task(executorPreference: executor) { await connection.writeStreamFrames() }
        }
        await connection.receive(plaintext: result.muxerBytes)
        if let inbound = reader.socket {
            // From here the socket's handler feeds the connection; this task ends.
            inbound.attach(connection, executor: executor) { [weak self] in
                guard let self else { return }
                Task { await self.unregister(connection) }
            }
            return
        }
        guard let stream = reader.stream else { return }
        // Over a relayed stream the connection under it hands what arrives on the stream to
        // this one as it arrives (no task waits for it); first what arrived already.
        await connection.setInputEnd { [weak self] in
            guard let self else { return }
            Task { await self.unregister(connection) }
        }
        while true {
            let backlog = await stream.connection.tapBacklog(stream: stream.id, for: connection)
            if backlog.isEmpty { break }
            await MuxedConnection.deliver(
                backlog.map { MuxedConnection.TapDelivery(connection: connection, bytes: $0) })
        }
    }

    func handshakeEnded(pendingAddress: String?) {
        pendingHandshakes -= 1
        if let pendingAddress { releasePendingHandshake(of: pendingAddress) }
    }

    private func releasePendingHandshake(of address: String) {
        let count = (pendingHandshakesByAddress[address] ?? 1) - 1
        pendingHandshakesByAddress[address] = count > 0 ? count : nil
    }

    func register(_ connection: MuxedConnection, pendingAddress: String?) -> Bool {
        pendingHandshakes -= 1
        if let pendingAddress { releasePendingHandshake(of: pendingAddress) }
        let peer = connection.remotePeer
        guard !closed, (connections[peer]?.count ?? 0) < configuration.maxConnectionsPerPeer else { return false }
        let first = connections[peer]?.isEmpty ?? true
        connections[peer, default: []].append(connection)
        startIdleSweeper()
        if first { eventContinuation.yield(.peerConnected(peer)) }
        return true
    }

    func unregister(_ connection: MuxedConnection) {
        let peer = connection.remotePeer
        connections[peer]?.removeAll { $0 === connection }
        if connections[peer]?.isEmpty == true {
            connections[peer] = nil
            identified[peer] = nil
            latencies[peer] = nil
            eventContinuation.yield(.peerDisconnected(peer))
        }
    }

    /// Connected peers with what we know of them.
    public var peers: [PeerSnapshot] {
        connections.map { peer, list in
            PeerSnapshot(
                peer: peer,
                addresses: list.compactMap(\.remoteAddress),
                protocols: identified[peer]?.protocols ?? [],
                agentVersion: identified[peer]?.agentVersion,
                latency: latencies[peer],
                connections: list.count)
        }.sorted { $0.peer.description < $1.peer.description }
    }

    public func isConnected(to peer: PeerID) -> Bool { connections[peer]?.isEmpty == false }

    /// Whether a connection the peer dialled (or a relayed one it reached us on) exists.
    func hasConnectionOpened(by peer: PeerID) -> Bool { connections[peer]?.contains { !$0.isDialer } ?? false }

    /// Connections still handshaking, inbound and outbound (for tests and diagnostics).
    var pendingHandshakeCount: Int { pendingHandshakes }

    /// Stream states held across all connections (for tests: streams must not leak).
    func streamStateCount() async -> Int {
        var total = 0
        for list in connections.values { for connection in list { total += await connection.streamStateCount } }
        return total
    }

    /// Closes every listener and connection, and drops the stream handlers.
    ///
    /// Services on a swarm hold it and its handlers hold them (``RelayService``, AutoNAT and
    /// hole punching capture themselves strongly: the swarm keeps them serving while it runs).
    /// Dropping the handlers here ends that cycle; without it a closed swarm and everything it
    /// held (its service, peer records, the event buffer) stayed allocated for good.
    public func close() async {
        closed = true
        handlers = [:]
        idleSweeper?.cancel()
        for listener in listeners { try? await listener.channel.close() }
        // The accepting tasks end with their sockets; close returns after them, so that a
        // closed swarm is not kept alive by one (nor a process at exit left with it).
        for listener in listeners { await listener.accepting.value }
        listeners = []
        for list in connections.values { for connection in list { await connection.close() } }
        eventContinuation.finish()
    }
}
