#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Logging
import Synchronization
import VarianceRPC

/// The JSON-RPC 2.0 server over a pair of file descriptors (the engine's stdin and its
/// private duplicate of stdout).
///
/// The read loop runs on the calling thread: it reads a chunk, decodes every complete
/// message in it, answers cheap methods inline and starts tasks for the rest, then writes
/// all replies produced so far in one `write(2)`. Tasks write their own replies as they
/// finish. Every request gets exactly one reply (see ``InFlightRequests``).
public final class RPCServer: Sendable {
    public struct Limits: Sendable {
        /// The largest message accepted; longer ones are answered with `-32700` and skipped.
        public var maxMessageBytes = 16 << 20
        /// The most requests in flight at once; more are answered with `-32004`.
        public var maxInFlight = 4096
        public init() {}
    }

    public let writer: OutputWriter
    private let methods: MethodTable
    private let limits: Limits
    private let logger: Logger
    private let inFlight: InFlightRequests
    private let lanes = Lanes()
    /// The kinds of notification pushed; nil means all.
    private let subscription = Mutex<Set<String>?>(nil)
    /// The framing notifications use: that of the last message received.
    private let notificationFraming: Mutex<Framing>
    private let stopping = Atomic<Bool>(false)

    public init(
        writer: OutputWriter, methods: MethodTable, limits: Limits = Limits(), logger: Logger,
        initialFraming: Framing = .lineDelimited
    ) {
        self.writer = writer
        self.methods = methods
        self.limits = limits
        self.logger = logger
        self.inFlight = InFlightRequests(limit: limits.maxInFlight)
        self.notificationFraming = Mutex(initialFraming)
    }

    // MARK: Notifications

    /// Pushes a notification now, unless the client narrowed its subscription to exclude it.
    public func notify(method: String, params: JSON) {
        let wanted = subscription.withLock { $0?.contains(method) ?? true }
        guard wanted else { return }
        writer.send(RPCFrame.notification(method: method, params: params), framing: notificationFraming.withLock { $0 })
    }

    /// Sets the kinds of notification pushed (nil: all). `engine.ready` is sent before any
    /// subscription exists, so it is always delivered.
    public func subscribe(kinds: [String]?) {
        subscription.withLock { $0 = kinds.map(Set.init) }
    }

    // MARK: Shutdown

    /// Stops reading further requests; the read loop returns after the current message.
    public func requestStop() {
        stopping.store(true, ordering: .relaxed)
    }

    public var isStopping: Bool { stopping.load(ordering: .relaxed) }

    /// Blocks until every request in flight has been answered, then flushes.
    public func drain() {
        inFlight.group.wait()
        writer.flush()
    }

    /// Calls `body` once every request in flight has been answered (without blocking).
    public func whenDrained(_ body: @escaping @Sendable () -> Void) {
        inFlight.group.notify(queue: .global()) { [writer] in
            writer.flush()
            body()
        }
    }

    // MARK: Reading

    /// Reads and answers messages from `fd` until end of input or ``requestStop()``.
    /// Returns without waiting for requests still in flight; call ``drain()`` for that.
    public func run(inputFD fd: Int32) {
        var decoder = FrameDecoder(maxMessageBytes: limits.maxMessageBytes)
        let chunkSize = 1 << 16
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { chunk.deallocate() }
        reading: while !isStopping {
            let n = read(fd, chunk.baseAddress, chunkSize)
            if n < 0 {
                if errno == EINTR { continue }
                logger.error("Reading standard input failed", metadata: ["errno": "\(errno)"])
                break
            }
            if n == 0 { break }
            decoder.append(UnsafeRawBufferPointer(rebasing: chunk[0..<n]))
            while !isStopping, let event = decoder.next({ body, framing in handleMessage(body, framing: framing) }) {
                handleDecoderEvent(event)
            }
            writer.flush()
        }
        if !isStopping, let event = decoder.finish({ body, framing in handleMessage(body, framing: framing) }) {
            handleDecoderEvent(event)
        }
        writer.flush()
    }

    /// Handles one message given as bytes (also the entry point for tests and fuzzing).
    public func receive(_ bytes: [UInt8], framing: Framing = .lineDelimited) {
        bytes.withUnsafeBufferPointer { handleMessage($0, framing: framing) }
    }

    private func handleDecoderEvent(_ event: FrameDecoder.Event) {
        switch event {
        case .message:
            break  // handled in the closure
        case .oversized(let framing):
            logger.warning("Skipped a message over the size limit", metadata: ["limit": "\(limits.maxMessageBytes)"])
            writer.enqueue(RPCFrame.error(id: nil, .lineTooLong(limit: limits.maxMessageBytes)), framing: framing)
        case .badHeader(let reason):
            writer.enqueue(RPCFrame.error(id: nil, .parseError(reason)), framing: .contentLength)
        }
    }

    private func handleMessage(_ body: UnsafeBufferPointer<UInt8>, framing: Framing) {
        notificationFraming.withLock { $0 = framing }
        let value: JSON
        do {
            value = try JSONParser.parse(buffer: body)
        } catch {
            let rpcError: RPCError = error.reason == .invalidUTF8 ? .invalidUTF8 : .parseError(error.description)
            writer.enqueue(RPCFrame.error(id: nil, rpcError), framing: framing)
            return
        }
        if case .array(let elements) = value {
            guard !elements.isEmpty else {
                writer.enqueue(RPCFrame.error(id: nil, .invalidRequest("a batch must not be empty")), framing: framing)
                return
            }
            let batch = BatchReply(count: elements.count, framing: framing)
            for (index, element) in elements.enumerated() {
                dispatch(element, sink: .batch(batch, index: index))
            }
        } else {
            dispatch(value, sink: .single(framing))
        }
    }

    // MARK: Dispatch

    private func dispatch(_ value: JSON, sink: ReplySink) {
        switch RPCIncoming.classify(value) {
        case .invalid(let id, let error):
            sink.deliver(RPCFrame.error(id: id, error), to: writer)
        case .notification(let method, let params):
            sink.deliver(nil, to: writer)
            if method == CancelRequest.name {
                if let target = try? CancelRequest.decodeParams(params) { cancel(target.id) }
            } else if let handler = methods[method] {
                runWithoutReply(handler, params: params)
            }
        case .request(let id, let method, let params):
            if method == CancelRequest.name {
                do {
                    let target = try CancelRequest.decodeParams(params)
                    cancel(target.id)
                    sink.deliver(RPCFrame.result(id: id, EmptyResult().json), to: writer)
                } catch {
                    sink.deliver(RPCFrame.error(id: id, error), to: writer)
                }
                return
            }
            guard let handler = methods[method] else {
                sink.deliver(RPCFrame.error(id: id, .methodNotFound(method)), to: writer)
                return
            }
            switch handler {
            case .inline(let body):
                let reply: JSON
                do { reply = RPCFrame.result(id: id, try body(params)) } catch { reply = RPCFrame.error(id: id, error) }
                sink.deliver(reply, to: writer)
            case .async(let body, let laneOf):
                start(id: id, params: params, body: body, lane: laneOf?(params), sink: sink)
            case .ordered(let intake):
                startOrdered(id: id, params: params, intake: intake, sink: sink)
            }
        }
    }

    /// Takes an ordered request in now (on this thread, so in arrival order), then waits
    /// for its result in a task.
    private func startOrdered(
        id: RPCID, params: JSON?, intake: @Sendable (JSON?) throws(RPCError) -> PendingReply, sink: ReplySink
    ) {
        guard register(id, sink: sink) else { return }
        let pending: PendingReply
        do throws(RPCError) { pending = try intake(params) } catch {
            inFlight.complete(id) { [writer] sink in sink.deliver(RPCFrame.error(id: id, error), to: writer) }
            return
        }
        let task = Task { [inFlight, writer] in
            let reply: JSON
            do throws(RPCError) { reply = RPCFrame.result(id: id, try await pending()) } catch { reply = RPCFrame.error(id: id, error) }
            inFlight.complete(id) { sink in
                sink.deliver(reply, to: writer)
                writer.flush()
            }
        }
        inFlight.attach(task, to: id)
    }

    private func start(
        id: RPCID, params: JSON?, body: @escaping @Sendable (JSON?) async throws(RPCError) -> JSON,
        lane: String?, sink: ReplySink
    ) {
        guard register(id, sink: sink) else { return }
        let task = lanes.submit(lane: lane) { [inFlight, writer] in
            let reply: JSON
            if Task.isCancelled {
                reply = RPCFrame.error(id: id, .cancelled)
            } else {
                do throws(RPCError) { reply = RPCFrame.result(id: id, try await body(params)) } catch { reply = RPCFrame.error(id: id, error) }
            }
            inFlight.complete(id) { sink in
                sink.deliver(reply, to: writer)
                writer.flush()
            }
        }
        inFlight.attach(task, to: id)
    }

    /// Registers a request in flight; when its id is taken or too many are in flight, answers
    /// with the error and returns false.
    private func register(_ id: RPCID, sink: ReplySink) -> Bool {
        switch inFlight.register(id, sink: sink) {
        case .duplicate:
            sink.deliver(RPCFrame.error(id: id, .invalidRequest("id \(id) is already used by a request in flight")), to: writer)
            return false
        case .full:
            sink.deliver(
                RPCFrame.error(id: id, .tooLarge("Too many requests in flight (limit \(limits.maxInFlight)); wait for replies and retry.")),
                to: writer)
            return false
        case .registered:
            return true
        }
    }

    private func runWithoutReply(_ handler: MethodHandler, params: JSON?) {
        switch handler {
        case .inline(let body):
            _ = try? body(params)
        case .async(let body, let laneOf):
            _ = lanes.submit(lane: laneOf?(params)) { _ = try? await body(params) }
        case .ordered(let intake):
            guard let pending = try? intake(params) else { return }
            Task { _ = try? await pending() }
        }
    }

    private func cancel(_ id: RPCID) {
        inFlight.cancel(id) { sink in
            sink.deliver(RPCFrame.error(id: id, .cancelled), to: writer)
            writer.flush()
        }
    }

    /// Requests currently in flight (for tests and diagnostics).
    public var inFlightCount: Int { inFlight.count }
}
