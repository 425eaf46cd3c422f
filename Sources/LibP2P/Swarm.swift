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
/// connections and limits. Each connection runs in its own task; see ``MuxedConnection``.
public actor Swarm {
    public typealias StreamHandler = @Sendable (LibP2PStream) async -> Void

    public nonisolated let localPeer: PeerID
    public nonisolated let configuration: SwarmConfiguration
    let identity: Curve25519.Signing.PrivateKey
    let logger: Logger
    private let group: any EventLoopGroup
    private var handlers: [String: StreamHandler] = [:]
    private var listeners: [(address: Multiaddr, channel: any Channel)] = []
    var connections: [PeerID: [MuxedConnection]] = [:]
    var pendingHandshakes = 0
    private var pendingDials: [PeerID: Task<PeerID, any Error>] = [:]
    /// What Identify (and identify push) told us, per connected peer.
    var identified: [PeerID: Identify.Info] = [:]
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
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let bound = try TCPAddress.multiaddr(of: server.channel.localAddress)
        listeners.append((bound, server.channel))
        eventContinuation.yield(.listening(bound))
        schedulePush()
        Task {
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
        return bound
    }

    /// The addresses we listen on.
    public var listenAddresses: [Multiaddr] { listeners.map(\.address) }

    private func accept(_ channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>) {
        guard !closed, pendingHandshakes < configuration.maxPendingHandshakes, connectionCount < configuration.maxConnections
        else {
            logger.debug("Refusing an inbound connection at the limit")
            // Through executeThenClose, which finishes the writer: dropping an unfinished
            // NIOAsyncChannel writer is a fatal error in NIO (it crashed the process).
            Task { try? await channel.executeThenClose { _, _ in } }
            return
        }
        start(channel, role: .listener, expectedPeer: nil, upgraded: nil)
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
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: group)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelOption(.recvAllocator, value: Self.receiveBuffers)
                .connectTimeout(.seconds(10))
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw LibP2PError.dialFailed("\(address): \(error)")
        }
        return try await withCheckedThrowingContinuation { continuation in
            start(channel, role: .dialer, expectedPeer: expected, upgraded: continuation)
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
        _ channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>, role: Upgrader.Role, expectedPeer: PeerID?,
        upgraded: CheckedContinuation<PeerID, any Error>?
    ) {
        start(channel, role: role, expectedPeer: expectedPeer, upgraded: upgraded)
    }

    private func start(
        _ channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>, role: Upgrader.Role, expectedPeer: PeerID?,
        upgraded: CheckedContinuation<PeerID, any Error>?
    ) {
        pendingHandshakes += 1
        let executor = EventLoopTaskExecutor(channel.channel.eventLoop)
        Task(executorPreference: executor) {
            await self.run(channel, role: role, expectedPeer: expectedPeer, upgraded: upgraded, executor: executor)
        }
    }

    /// Runs one TCP connection from the first byte to the close.
    private nonisolated func run(
        _ channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>, role: Upgrader.Role, expectedPeer: PeerID?,
        upgraded: CheckedContinuation<PeerID, any Error>?, executor: EventLoopTaskExecutor
    ) async {
        let remoteAddress = try? TCPAddress.multiaddr(of: channel.channel.remoteAddress)
        let frames = ChannelFrameWriter(channel.channel, maxBufferedBytes: configuration.maxQueuedOutputBytes)
        do {
            // Writes bypass the async writer (see ChannelFrameWriter); it only closes.
            try await channel.executeThenClose { inbound, _ in
                await self.runConnection(
                    reader: ByteReader(inbound, budget: configuration.maxBytesBeforeAuthentication),
                    writer: ByteWriter(frames), frames: .channel(frames), remoteAddress: remoteAddress, role: role,
                    expectedPeer: expectedPeer, upgraded: upgraded, executor: executor, close: { frames.close() })
            }
        } catch {
            logger.debug("Connection ended", metadata: ["error": "\(error)"])
        }
    }

    /// Runs one connection over a raw byte transport (a socket, or a relayed stream): the
    /// upgrade, then the muxer until either side ends it. `upgraded` learns the outcome of
    /// the upgrade; `writer` carries the handshake and `frames` the muxed connection after
    /// it; `close` tears the raw transport down.
    nonisolated func runConnection(
        reader: ByteReader, writer: ByteWriter, frames: FrameSink, remoteAddress: Multiaddr?, role: Upgrader.Role,
        expectedPeer: PeerID?, upgraded: CheckedContinuation<PeerID, any Error>?, executor: (any TaskExecutor)?,
        close: @escaping @Sendable () -> Void
    ) async {
        var reader = reader
        // A NIO timer, not a sleeping task: cancelled, it is gone at once (see LoopTimer).
        let loop = (executor as? EventLoopTaskExecutor)?.eventLoop ?? MultiThreadedEventLoopGroup.singleton.any()
        let timeout = loop.scheduleTask(in: .nanoseconds(configuration.handshakeTimeout.nanoseconds)) { close() }
        let result: Upgrader.Upgraded
        do {
            result = try await Upgrader(role: role, identity: identity, expectedPeer: expectedPeer)
                .upgrade(reader: &reader, outbound: writer)
        } catch {
            timeout.cancel()
            await self.handshakeEnded()
            logger.debug("Handshake failed", metadata: ["error": "\(error)"])
            upgraded?.resume(throwing: error)
            close()
            return
        }
        timeout.cancel()
        reader.removeBudget()
        let connection = MuxedConnection(
            remotePeer: result.remotePeer, remoteAddress: remoteAddress, isDialer: role == .dialer,
            transport: result.transport, swarm: self, configuration: configuration, logger: logger, executor: executor,
            sink: frames, closeTransport: close)
        guard await self.register(connection) else {
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
        // also ends the read loop below if the peer stays silent.
        if case .stream = frames {
            Task(executorPreference: executor) { await connection.writeStreamFrames() }
        }
        await connection.receive(plaintext: result.muxerBytes)
        do {
            while let chunk = try await reader.next() {
                await connection.receive(ciphertext: chunk)
                if await connection.isClosed { break }
            }
        } catch {
            logger.debug("Connection read failed", metadata: ["peer": "\(result.remotePeer)", "error": "\(error)"])
        }
        await connection.socketEnded()
        await self.unregister(connection)
    }

    func handshakeEnded() { pendingHandshakes -= 1 }

    func register(_ connection: MuxedConnection) -> Bool {
        pendingHandshakes -= 1
        let peer = connection.remotePeer
        guard !closed, (connections[peer]?.count ?? 0) < configuration.maxConnectionsPerPeer else { return false }
        let first = connections[peer]?.isEmpty ?? true
        connections[peer, default: []].append(connection)
        startIdleSweeper()
        if first { eventContinuation.yield(.peerConnected(peer)) }
        return true
    }

    private func unregister(_ connection: MuxedConnection) {
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

    /// Closes every listener and connection.
    public func close() async {
        closed = true
        idleSweeper?.cancel()
        for listener in listeners { try? await listener.channel.close() }
        listeners = []
        for list in connections.values { for connection in list { await connection.close() } }
        eventContinuation.finish()
    }
}
