import DequeModule
import LibP2PCore
import LibP2PNoise
import LibP2PYamux
import Logging
import NIOCore

/// One authenticated, encrypted, multiplexed connection: the I/O shell around the pure
/// yamux session and Noise transport.
///
/// The actor owns the session; every state change happens between awaits. Outgoing frames
/// are encrypted and handed on in the same synchronous step, so nonce order and write order
/// are always the same: on a socket they go straight to the NIO channel (which keeps the
/// order of the calls), with no writer task; over a relayed stream, whose writes wait for
/// window, one writer task writes them in order.
///
/// On a socket no task waits for input: the channel's ``SocketInbound`` handler hands the
/// bytes over from a task that exists only while some wait. Over a relayed stream no task
/// waits either: the connection under it *taps* the stream (``tapBacklog(stream:for:)``)
/// and hands what arrives on it to this one in the same delivery (``TapDelivery``).
actor MuxedConnection {
    nonisolated let remotePeer: PeerID
    nonisolated let remoteAddress: Multiaddr?
    nonisolated let isDialer: Bool
    /// Whether this connection runs over a relay's circuit.
    nonisolated var isRelayed: Bool { remoteAddress?.components.contains(.p2pCircuit) ?? false }
    var session: YamuxSession
    private var transport: NoiseTransport
    /// Weak: the swarm owns its connections, not the other way round (no cycle to leak).
    weak var swarm: Swarm?
    let configuration: SwarmConfiguration
    let logger: Logger
    var streams: [YamuxStreamID: StreamState] = [:]
    /// Where encrypted frames go.
    private let sink: FrameSink
    /// Tears down the raw transport (socket or relayed stream), once.
    private let closeTransport: @Sendable () -> Void
    /// Frames for the relayed stream's writer task (nil on a socket).
    private let streamOutput: AsyncStream<[UInt8]>.Continuation?
    private nonisolated let streamFrames: AsyncStream<[UInt8]>?
    /// No more frames will be sent; the transport closes once the last is written.
    private var outputFinished = false
    private var transportClosed = false
    var closed = false
    /// When bytes last went in either direction (for ``SwarmConfiguration/idleTimeout``).
    var lastActivity = ContinuousClock.now
    /// Inside a call that feeds input (the caller delivers ``deliveries`` after it).
    private var receiving = false
    /// Input for relayed connections over tapped streams, in order, for the feeding call's caller.
    private var deliveries: [TapDelivery] = []
    /// Over a tapped stream: the input ended (told once), and whom to tell then.
    private var inputEnded = false
    private var onInputEnd: (@Sendable () -> Void)?

    /// What the shell keeps per stream: received bytes not yet read, and who is waiting.
    struct StreamState {
        var inbound = Deque<UInt8>()
        var remoteClosed = false
        var reset = false
        /// Both sides are done in yamux; the state goes once the reader has seen the end.
        var finished = false
        /// A read returned the end of the stream.
        var endSeen = false
        /// We sent FIN.
        var localClosed = false
        /// Nobody holds the stream any more (its `LibP2PStream` is gone).
        var detached = false
        /// Whether the state can be forgotten once yamux has closed the stream.
        var releasable: Bool { endSeen || detached }
        var readers: [CheckedContinuation<Void, Never>] = []
        var writers: [CheckedContinuation<Void, Never>] = []
        /// An optimistic open's negotiation, finished by the first read (the listener's
        /// answer comes before the protocol's bytes).
        var pendingDialer: MultistreamDialer?
        /// The relayed connection over this stream, which gets its input as it arrives.
        var tap: MuxedConnection?
        /// While the relayed connection takes the input that arrived before the tap:
        /// what arrived since (nil: the end), for it to take next.
        var tapHeld: [[UInt8]?]?
        /// The tap was told the end (or the stream ended before it was set).
        var tapEnded = false
    }

    /// Input for the relayed connection over a tapped stream: bytes, or nil for the end.
    struct TapDelivery: Sendable {
        let connection: MuxedConnection
        let bytes: [UInt8]?
    }

    /// The executor this connection's tasks prefer (its socket's event loop, or for a
    /// relayed connection the one of the connection it runs over): work on one connection
    /// then stays on one thread.
    nonisolated let executor: (any TaskExecutor)?
    /// The event loop of the socket (for a relayed connection, of the one it runs over).
    nonisolated let eventLoop: any EventLoop

    init(
        remotePeer: PeerID, remoteAddress: Multiaddr?, isDialer: Bool, transport: NoiseTransport, swarm: Swarm,
        configuration: SwarmConfiguration, logger: Logger, eventLoop: any EventLoop,
        executor: (any TaskExecutor)? = nil, sink: FrameSink, closeTransport: @escaping @Sendable () -> Void
    ) {
        self.eventLoop = eventLoop
        self.sink = sink
        self.closeTransport = closeTransport
        self.executor = executor
        self.remotePeer = remotePeer
        self.remoteAddress = remoteAddress
        self.isDialer = isDialer
        self.transport = transport
        self.swarm = swarm
        self.configuration = configuration
        self.logger = logger
        var yamux = YamuxConfiguration()
        yamux.maxInboundStreams = configuration.maxStreamsPerConnection
        yamux.maxOutboundStreams = configuration.maxStreamsPerConnection
        session = YamuxSession(role: isDialer ? .client : .server, configuration: yamux)
        if case .stream = sink {
            let (frames, continuation) = AsyncStream<[UInt8]>.makeStream()
            (streamFrames, streamOutput) = (frames, continuation)
        } else {
            (streamFrames, streamOutput) = (nil, nil)
        }
    }

    // MARK: Running

    /// Sends one encrypted frame in order.
    private func send(_ frame: [UInt8]) {
        guard !outputFinished else { return }
        switch sink {
        case .channel(let writer): writer.write(frame)
        case .stream: streamOutput?.yield(frame)
        }
    }

    /// Over a relayed stream: writes queued frames, in order, until the connection ends,
    /// then closes the stream. Runs in its own task (started by the swarm).
    nonisolated func writeStreamFrames() async {
        guard case .stream(let stream) = sink, let streamFrames else { return }
        for await frame in streamFrames {
            do { try await stream.write(frame) } catch { break }
        }
        await streamWriterEnded()
    }

    private func streamWriterEnded() {
        outputFinished = true
        closeTransportOnce()
    }

    /// No more output: close the transport after what is queued (the last frame is often
    /// GoAway).
    private func finishOutput() {
        outputFinished = true
        switch sink {
        case .channel: closeTransportOnce()  // the channel closes after the writes already handed to it
        case .stream: streamOutput?.finish()  // the writer closes the stream after the last frame
        }
    }

    private func closeTransportOnce() {
        guard !transportClosed else { return }
        transportClosed = true
        closeTransport()
    }

    /// Whether the connection is done (the reader stops).
    var isClosed: Bool { closed }

    /// Feeds plaintext that arrived with the end of the upgrade (no stream is tapped yet).
    func receive(plaintext bytes: [UInt8]) { if !bytes.isEmpty { receivePlaintext(bytes) } }

    /// The socket reached its end (or failed): wake everyone and stop the writer. The
    /// caller delivers what is returned (the end, to relayed connections over our streams).
    @discardableResult
    func socketEnded() -> [TapDelivery] {
        receiving = true
        terminate()
        return takeDeliveries()
    }

    /// Feeds chunks read from the socket, in order; `open` is false once the connection is
    /// done reading (the rest of the input is dropped). The caller delivers `deliveries`
    /// (input of relayed connections over our streams), in order, before feeding more.
    func receive(socketChunks chunks: [[UInt8]]) -> (open: Bool, deliveries: [TapDelivery]) {
        receiving = true
        for chunk in chunks {
            guard !closed else { break }
            receiveCiphertext(chunk)
        }
        return (!closed, takeDeliveries())
    }

    private func takeDeliveries() -> [TapDelivery] {
        receiving = false
        guard !deliveries.isEmpty else { return [] }
        defer { deliveries = [] }
        return deliveries
    }

    // MARK: Relayed input

    /// Hands tapped input to the relayed connections it is for, in order (and theirs to
    /// the ones over them).
    static func deliver(_ deliveries: [TapDelivery]) async {
        for delivery in deliveries {
            let more: [TapDelivery]
            if let bytes = delivery.bytes {
                more = await delivery.connection.receive(tapped: bytes)
            } else {
                more = await delivery.connection.tappedInputEnded()
            }
            if !more.isEmpty { await deliver(more) }
        }
    }

    /// Over a tapped stream: `onEnd` runs once the input has ended (or the connection
    /// stopped reading).
    func setInputEnd(_ onEnd: @escaping @Sendable () -> Void) { onInputEnd = onEnd }

    /// Bytes of the stream under this connection.
    func receive(tapped bytes: [UInt8]) -> [TapDelivery] {
        guard !inputEnded else { return [] }
        receiving = true
        receiveCiphertext(bytes)
        // Done reading (GoAway, or frames that do not decrypt): as at the end of input.
        if closed { endInput() }
        return takeDeliveries()
    }

    /// The stream under this connection ended.
    func tappedInputEnded() -> [TapDelivery] {
        guard !inputEnded else { return [] }
        receiving = true
        endInput()
        return takeDeliveries()
    }

    private func endInput() {
        inputEnded = true
        terminate()
        let onEnd = onInputEnd
        onInputEnd = nil
        onEnd?()
    }

    /// Taps stream `id` for `relayed`, the connection over it: from the first call, what
    /// arrives on the stream goes to `relayed` with the delivery that brought it, and
    /// counts as read (back-pressure is `relayed`'s own windows: it takes its input at
    /// once). Returns, in order, what arrived before and since the previous call, which the
    /// caller delivers; call again until the answer is empty, after which deliveries carry
    /// the rest. (So nothing is delivered out of order: until then, new input waits here,
    /// counted as read only when handed out, so the stream's window bounds it.)
    func tapBacklog(stream id: YamuxStreamID, for relayed: MuxedConnection) -> [[UInt8]?] {
        guard streams[id] != nil else { return [nil] }
        if streams[id]!.tap == nil, !streams[id]!.tapEnded {
            var held: [[UInt8]?] = []
            let count = streams[id]!.inbound.count
            if count > 0 { held.append(streams[id]!.inbound.takeFirst(count)) }
            if streams[id]!.reset || streams[id]!.remoteClosed {
                held.append(nil)
                streams[id]!.tapEnded = true
            } else {
                streams[id]!.tap = relayed
            }
            streams[id]!.tapHeld = held
        }
        let held = streams[id]!.tapHeld ?? []
        streams[id]!.tapHeld = held.isEmpty ? nil : []
        // Held input counts as read only now: until then the stream's window bounds it.
        let count = held.reduce(0) { $0 + ($1?.count ?? 0) }
        if count > 0 {
            session.consumed(stream: id, bytes: count)
            flush()
        }
        return held
    }

    /// Input for the tap of stream `id` (nil: the end).
    private func forward(_ bytes: [UInt8]?, to tap: MuxedConnection, stream id: YamuxStreamID) {
        if streams[id]!.tapHeld != nil {
            streams[id]!.tapHeld!.append(bytes)
        } else if receiving {
            deliveries.append(TapDelivery(connection: tap, bytes: bytes))
        } else {
            // Not while feeding input: only the end comes here (we reset or closed the
            // stream ourselves), which no earlier input can still be waiting to overtake.
            Task(executorPreference: executor) { await Self.deliver([TapDelivery(connection: tap, bytes: bytes)]) }
        }
    }

    /// Tells the tap of stream `id`, if any, that the stream ended; it is dropped.
    private func endTap(_ id: YamuxStreamID) {
        guard let tap = streams[id]?.tap else { return }
        streams[id]!.tap = nil
        streams[id]!.tapEnded = true
        forward(nil, to: tap, stream: id)
    }

    private func receiveCiphertext(_ bytes: [UInt8]) {
        lastActivity = .now
        let plaintext: [UInt8]
        do { plaintext = try transport.decrypt(bytes) } catch {
            logger.info("Dropping a connection whose frames do not decrypt", metadata: ["peer": "\(remotePeer)"])
            terminate()
            return
        }
        if !plaintext.isEmpty { receivePlaintext(plaintext) }
    }

    private func receivePlaintext(_ bytes: [UInt8]) {
        let events = session.receive(bytes)
        for event in events { handle(event) }
        flush()
    }

    private func handle(_ event: YamuxEvent) {
        switch event {
        case .streamOpened(let id):
            streams[id] = StreamState()
            let connection = self
            Task { await connection.serveInbound(id) }
        case .data(let id, let bytes):
            if let tap = streams[id]?.tap {
                if streams[id]!.tapHeld == nil { session.consumed(stream: id, bytes: bytes.count) }
                forward(bytes, to: tap, stream: id)
                return
            }
            streams[id]?.inbound.append(contentsOf: bytes)
            wakeReaders(id)
        case .remoteClosedWrite(let id):
            streams[id]?.remoteClosed = true
            endTap(id)
            wakeReaders(id)
        case .streamReset(let id):
            streams[id]?.reset = true
            endTap(id)
            wakeReaders(id)
            wakeWriters(id)
        case .streamClosed(let id):
            endTap(id)
            if streams[id]?.releasable == true {
                forgetStream(id)
            } else {
                streams[id]?.finished = true
                streams[id]?.remoteClosed = true
                wakeReaders(id)
            }
        case .windowAvailable(let id):
            wakeWriters(id)
        case .protocolError(let reason):
            logger.info("yamux protocol error; closing", metadata: ["peer": "\(remotePeer)", "reason": "\(reason)"])
            flush()  // the GoAway(protocol error) the session queued goes out first
            terminate()
        case .goAwayReceived:
            closed = true
        default:
            break
        }
    }

    /// Encrypts and queues everything the session wants to send.
    func flush() {
        // Events caused by our own calls (closeWrite after the peer's FIN closes the stream).
        for event in session.takeEvents() { handle(event) }
        let bytes = session.takeOutput()
        guard !bytes.isEmpty else { return }
        lastActivity = .now
        do { send(try transport.encrypt(bytes)) } catch {
            logger.error("Noise nonces exhausted; closing the connection", metadata: ["peer": "\(remotePeer)"])
            terminate()
        }
    }

    /// Drops a stream's state; an idle connection keeps no table storage.
    private func forgetStream(_ id: YamuxStreamID) {
        streams[id] = nil
        if streams.isEmpty { streams = [:] }
    }

    private func wakeReaders(_ id: YamuxStreamID) {
        guard let waiting = streams[id]?.readers, !waiting.isEmpty else { return }
        streams[id]?.readers = []
        for continuation in waiting { continuation.resume() }
    }

    private func wakeWriters(_ id: YamuxStreamID) {
        guard let waiting = streams[id]?.writers, !waiting.isEmpty else { return }
        streams[id]?.writers = []
        for continuation in waiting { continuation.resume() }
    }

    private func terminate() {
        guard !closed || !streams.isEmpty else {
            finishOutput()
            return
        }
        closed = true
        for id in streams.keys {
            streams[id]?.reset = true
            endTap(id)
            wakeReaders(id)
            wakeWriters(id)
        }
        finishOutput()
    }

    /// Says goodbye (GoAway) and stops.
    func close() {
        guard !closed else { return }
        session.goAway()
        flush()
        terminate()
    }

    // MARK: Streams

    func unread(_ bytes: [UInt8], stream id: YamuxStreamID) {
        guard !bytes.isEmpty else { return }
        streams[id]?.inbound.insert(contentsOf: bytes, at: 0)
    }

    func read(stream id: YamuxStreamID, maxBytes: Int) async throws -> [UInt8]? {
        if var dialer = streams[id]?.pendingDialer {
            streams[id]!.pendingDialer = nil
            try await finishOptimisticNegotiation(&dialer, on: id)
        }
        while true {
            guard let available = streams[id]?.inbound.count else { throw LibP2PError.streamReset }
            if available > 0 {
                // In place, without a copy of the state: holding one (`let state = streams[id]`)
                // made the deque shared, so removeFirst copied it whole on every read.
                let count = min(maxBytes, available)
                let bytes = streams[id]!.inbound.takeFirst(count)
                session.consumed(stream: id, bytes: count)
                flush()
                return bytes
            }
            let state = streams[id]!
            if state.reset { throw LibP2PError.streamReset }
            if state.remoteClosed {
                if state.finished { forgetStream(id) } else { streams[id]!.endSeen = true }
                return nil
            }
            await withCheckedContinuation { streams[id]!.readers.append($0) }
        }
    }

    func readExactly(stream id: YamuxStreamID, count: Int) async throws -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(count)
        while result.count < count {
            guard let bytes = try await read(stream: id, maxBytes: count - result.count) else {
                throw LibP2PError.connectionClosed
            }
            result += bytes
        }
        return result
    }

    func readLengthPrefixed(stream id: YamuxStreamID, maxLength: Int) async throws -> [UInt8]? {
        var prefix: [UInt8] = []
        while true {
            guard let byte = try await read(stream: id, maxBytes: 1) else {
                if prefix.isEmpty { return nil }
                throw LibP2PError.connectionClosed
            }
            prefix += byte
            if byte[0] & 0x80 == 0 { break }
            if prefix.count >= 5 { throw LibP2PError.protocolViolation("a length prefix is too long") }
        }
        let (length, _) = try Varint.decode(prefix)
        guard length <= UInt64(maxLength) else { throw LibP2PError.protocolViolation("a message of \(length) bytes is over the limit") }
        return try await readExactly(stream: id, count: Int(length))
    }

    /// The most bytes handed to the session in one step; larger writes go in pieces.
    private static let writePiece = 256 * 1024

    func write(stream id: YamuxStreamID, _ bytes: [UInt8]) async throws {
        var offset = 0
        repeat {
            // Back-pressure: wait while the peer's window holds what we queued before.
            while session.queuedBytes(of: id) > 0 {
                guard let state = streams[id], !state.reset, !closed else { throw LibP2PError.streamReset }
                await withCheckedContinuation { streams[id]!.writers.append($0) }
            }
            guard let state = streams[id], !state.reset, !closed else { throw LibP2PError.streamReset }
            let end = min(bytes.count, offset + Self.writePiece)
            do { try session.write(stream: id, data: Array(bytes[offset..<end])) } catch {
                throw LibP2PError.protocolViolation("cannot write to the stream: \(error)")
            }
            flush()
            offset = end
        } while offset < bytes.count
    }

    func closeWrite(stream id: YamuxStreamID) throws {
        if streams[id]?.localClosed == true { return }
        do { try session.closeWrite(stream: id) } catch { throw LibP2PError.streamReset }
        streams[id]?.localClosed = true
        flush()
    }

    /// The stream's last holder is gone: close our side gracefully (never a reset, which
    /// could discard what we wrote) and forget the state once yamux closes the stream.
    func release(stream id: YamuxStreamID) {
        guard let state = streams[id] else { return }
        if state.finished || state.reset {
            forgetStream(id)
            return
        }
        streams[id]!.detached = true
        if !state.localClosed { try? closeWrite(stream: id) }
    }

    /// Stream states held (for tests and diagnostics).
    var streamStateCount: Int { streams.count }

    func reset(stream id: YamuxStreamID) {
        session.reset(stream: id)
        streams[id]?.reset = true
        endTap(id)
        wakeReaders(id)
        wakeWriters(id)
        forgetStream(id)
        flush()
    }
}

extension Deque<UInt8> {
    /// Removes and returns the first `count` bytes (at most `self.count`), copied a segment at
    /// a time. (`Array(prefix(count))` goes through `Slice<Deque>`, one byte at a time.)
    mutating func takeFirst(_ count: Int) -> [UInt8] {
        let count = Swift.min(count, self.count)
        let bytes: [UInt8]
        if count == self.count {
            bytes = Array(self)
            removeAll(keepingCapacity: true)
            return bytes
        }
        bytes = withContiguousStorageIfAvailable { Array($0.prefix(count)) } ?? Array(prefix(count))
        removeFirst(count)
        return bytes
    }
}
