import Crypto
import LibP2PCore
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
    private var connections: [PeerID: [MuxedConnection]] = [:]
    private var pendingHandshakes = 0
    private var pendingDials: [PeerID: Task<PeerID, any Error>] = [:]
    private var identified: [PeerID: Identify.Info] = [:]
    private var latencies: [PeerID: Duration] = [:]
    private var connectionTasks: [ObjectIdentifier: Task<Void, Never>] = [:]
    private let eventContinuation: AsyncStream<SwarmEvent>.Continuation
    /// Connection events. Bounded: the oldest are dropped if nobody reads.
    public nonisolated let events: AsyncStream<SwarmEvent>
    private var closed = false

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

    /// Registers the handler for inbound streams of `protocolID`.
    public func handle(_ protocolID: String, _ handler: @escaping StreamHandler) {
        handlers[protocolID] = handler
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
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let bound = try TCPAddress.multiaddr(of: server.channel.localAddress)
        listeners.append((bound, server.channel))
        eventContinuation.yield(.listening(bound))
        Task {
            do {
                try await server.executeThenClose { inbound in
                    for try await connection in inbound {
                        await self.accept(connection)
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
            channel.channel.close(promise: nil)
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

    private var connectionCount: Int { connections.values.reduce(0) { $0 + $1.count } + pendingHandshakes }

    private func start(
        _ channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>, role: Upgrader.Role, expectedPeer: PeerID?,
        upgraded: CheckedContinuation<PeerID, any Error>?
    ) {
        pendingHandshakes += 1
        let task = Task {
            await self.run(channel, role: role, expectedPeer: expectedPeer, upgraded: upgraded)
        }
        _ = task
    }

    /// Runs one connection from the first byte to the close.
    private nonisolated func run(
        _ channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>, role: Upgrader.Role, expectedPeer: PeerID?,
        upgraded: CheckedContinuation<PeerID, any Error>?
    ) async {
        let remoteAddress = try? TCPAddress.multiaddr(of: channel.channel.remoteAddress)
        let timeout = channel.channel.eventLoop.scheduleTask(in: .nanoseconds(Int64(configuration.handshakeTimeout.nanoseconds))) {
            channel.channel.close(promise: nil)
        }
        var resumed = false
        do {
            try await channel.executeThenClose { inbound, outbound in
                var reader = ByteReader(inbound, budget: configuration.maxBytesBeforeAuthentication)
                let result: Upgrader.Upgraded
                do {
                    result = try await Upgrader(role: role, identity: identity, expectedPeer: expectedPeer)
                        .upgrade(reader: &reader, outbound: outbound)
                } catch {
                    timeout.cancel()
                    await self.handshakeEnded()
                    throw error
                }
                timeout.cancel()
                reader.removeBudget()
                let connection = MuxedConnection(
                    remotePeer: result.remotePeer, remoteAddress: remoteAddress, isDialer: role == .dialer,
                    transport: result.transport, swarm: self, configuration: configuration, logger: logger)
                guard await self.register(connection) else {
                    throw LibP2PError.limitReached("connections to \(result.remotePeer)")
                }
                upgraded?.resume(returning: result.remotePeer)
                resumed = true
                Task { await self.identify(over: connection) }
                let writer = Task { await connection.writeFrames(to: outbound) }
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
                await writer.value
                await self.unregister(connection)
            }
        } catch {
            logger.debug("Connection ended", metadata: ["error": "\(error)"])
            if !resumed { upgraded?.resume(throwing: error) }
        }
    }

    private func handshakeEnded() { pendingHandshakes -= 1 }

    private func register(_ connection: MuxedConnection) -> Bool {
        pendingHandshakes -= 1
        let peer = connection.remotePeer
        guard !closed, (connections[peer]?.count ?? 0) < configuration.maxConnectionsPerPeer else { return false }
        let first = connections[peer]?.isEmpty ?? true
        connections[peer, default: []].append(connection)
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

    // MARK: Streams

    /// Opens a stream to a connected peer and negotiates the first of `protocols` it speaks.
    public func newStream(to peer: PeerID, protocols: [String]) async throws -> LibP2PStream {
        guard let connection = connections[peer]?.first else { throw LibP2PError.connectionClosed }
        return try await connection.openStream(protocols: protocols)
    }

    /// Sends `count` pings to a connected peer; records the median as its latency.
    public func ping(_ peer: PeerID, count: Int = 1) async throws -> [Duration] {
        let stream = try await newStream(to: peer, protocols: [Ping.protocolID])
        let rtts = try await Ping.run(stream, count: count)
        if let median = rtts.sorted().dropFirst(rtts.count / 2).first { latencies[peer] = median }
        return rtts
    }

    /// Asks the peer who it is; stores the answer.
    private func identify(over connection: MuxedConnection) async {
        var stream: LibP2PStream?
        do {
            let opened = try await connection.openStream(protocols: [Identify.protocolID])
            stream = opened
            let bytes = try await opened.readLengthPrefixed(maxLength: Identify.maxMessageBytes)
            if let bytes {
                let info = try Identify.decode(bytes, from: connection.remotePeer)
                identified[connection.remotePeer] = info
                eventContinuation.yield(.peerIdentified(connection.remotePeer))
            }
            // We never write on this stream: close our side, or it stays half-open (a yamux
            // stream slot) for the life of the connection.
            try? await opened.closeWrite()
        } catch {
            await stream?.reset()
            logger.debug("Identify failed", metadata: ["peer": "\(connection.remotePeer)", "error": "\(error)"])
        }
    }

    /// Answers an inbound identify request on `stream`.
    func serveIdentify(_ stream: LibP2PStream, observed: Multiaddr?) async {
        let message = Identify.message(
            publicKey: LibP2PPublicKey(ed25519: Array(identity.publicKey.rawRepresentation)),
            agent: configuration.agentVersion, protocols: supportedProtocols, listenAddresses: listenAddresses,
            observed: observed)
        do {
            try await stream.writeLengthPrefixed(try message.serializedBytes())
            try await stream.closeWrite()
        } catch {
            await stream.reset()
        }
    }

    /// Takes an identify push.
    func receiveIdentifyPush(_ stream: LibP2PStream) async {
        do {
            if let bytes = try await stream.readLengthPrefixed(maxLength: Identify.maxMessageBytes) {
                identified[stream.remotePeer] = try Identify.decode(bytes, from: stream.remotePeer)
            }
            // A push gets no answer, but our side must close (go-libp2p does too), or every
            // push leaves a half-open stream counted against maxStreamsPerConnection.
            try await stream.closeWrite()
        } catch {
            await stream.reset()
        }
    }

    /// What we know of a peer, from Identify.
    public func info(of peer: PeerID) -> Identify.Info? { identified[peer] }

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

    /// Stream states held across all connections (for tests: streams must not leak).
    func streamStateCount() async -> Int {
        var total = 0
        for list in connections.values { for connection in list { total += await connection.streamStateCount } }
        return total
    }

    /// Closes every listener and connection.
    public func close() async {
        closed = true
        for listener in listeners { try? await listener.channel.close() }
        listeners = []
        for list in connections.values { for connection in list { await connection.close() } }
        eventContinuation.finish()
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
