import NIOCore
import Synchronization

/// The reading half of a socket, as a channel handler: no task waits for its bytes.
///
/// ```
///   handshaking ──attach──▶ attached ──(end of input, or the connection closed)──▶ ended
///        │                                                                          ▲
///        └──────────────────────(end of input, timeout, over the limit)─────────────┘
/// ```
///
/// While handshaking, chunks wait here (at most `limit` bytes) until the upgrade pulls them
/// with ``next()``. Once a connection is attached, chunks are handed to it in order by a
/// delivery task that exists only while some wait: an idle connection (a relay
/// reservation) keeps no task, and no task memory, for its life. The end of input reaches
/// the connection after the last chunk.
final class SocketInbound: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    private struct State {
        var pending: [[UInt8]] = []
        var pendingBytes = 0
        /// The most bytes that may wait; more closes the channel.
        var limit: Int
        /// No more input will come (the channel closed, or the connection is done reading).
        var ended = false
        /// The upgrade, waiting in ``next()``.
        var waiter: CheckedContinuation<[UInt8]?, Never>?
        var connection: MuxedConnection?
        var executor: (any TaskExecutor)?
        var onEnd: (@Sendable () -> Void)?
        /// A delivery task runs (it takes `pending`, and the end once `pending` is empty).
        var delivering = false
        /// The attached connection was told of the end.
        var endDelivered = false

        /// Starts delivery if a connection is attached and something waits for it.
        mutating func startDelivery() -> MuxedConnection? {
            guard let connection, !delivering, !endDelivered, !pending.isEmpty || ended else { return nil }
            delivering = true
            return connection
        }
    }

    private let state: Mutex<State>

    /// `limit`: the most bytes the peer may have sent ahead of the handshake (its budget).
    init(limit: Int) { state = Mutex(State(limit: limit)) }

    /// Authenticated: from now on the bound only catches a peer that ignores yamux's
    /// windows while the connection is slow to take its bytes.
    func liftLimit() { state.withLock { $0.limit = 16 * 1024 * 1024 } }

    // MARK: Handshake

    /// The next chunk read, or nil at end of input. For the upgrade, before ``attach``.
    func next() async -> [UInt8]? {
        await withCheckedContinuation { continuation in
            let ready: [UInt8]?? = state.withLock { state in
                if !state.pending.isEmpty {
                    let chunk = state.pending.removeFirst()
                    state.pendingBytes -= chunk.count
                    return .some(chunk)
                }
                if state.ended { return .some(nil) }
                state.waiter = continuation
                return .none
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    // MARK: Attached

    /// From now on chunks go to `connection`, those already read first, from tasks on
    /// `executor`; `onEnd` runs once the connection has been told that input ended.
    func attach(
        _ connection: MuxedConnection, executor: (any TaskExecutor)?, onEnd: @escaping @Sendable () -> Void
    ) {
        let start = state.withLock { state in
            state.connection = connection
            state.executor = executor
            state.onEnd = onEnd
            return state.startDelivery()
        }
        if let start { deliver(to: start, executor: executor) }
    }

    private func deliver(to connection: MuxedConnection, executor: (any TaskExecutor)?) {
        Task(executorPreference: executor) { await self.deliverAll(to: connection) }
    }

    /// Hands over what waits, in order, until nothing does; then the end, if input ended.
    private func deliverAll(to connection: MuxedConnection) async {
        while true {
            enum Step { case chunks([[UInt8]]), end((@Sendable () -> Void)?), done }
            let step: Step = state.withLock { state in
                if !state.pending.isEmpty {
                    defer { (state.pending, state.pendingBytes) = ([], 0) }
                    return .chunks(state.pending)
                }
                if state.ended, !state.endDelivered {
                    state.endDelivered = true
                    state.delivering = false
                    defer { (state.connection, state.onEnd) = (nil, nil) }
                    return .end(state.onEnd)
                }
                state.delivering = false
                return .done
            }
            switch step {
            case .chunks(let chunks):
                let (open, deliveries) = await connection.receive(socketChunks: chunks)
                // Relayed connections over this one's streams take their input now, in order.
                if !deliveries.isEmpty { await MuxedConnection.deliver(deliveries) }
                if !open {
                    // Done reading (GoAway, or frames that do not decrypt): drop the rest.
                    state.withLock { state in
                        state.ended = true
                        (state.pending, state.pendingBytes) = ([], 0)
                    }
                }
            case .end(let onEnd):
                await MuxedConnection.deliver(connection.socketEnded())
                onEnd?()
                return
            case .done:
                return
            }
        }
    }

    // MARK: Channel events

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        enum Step { case resume(CheckedContinuation<[UInt8]?, Never>), deliver(MuxedConnection, (any TaskExecutor)?), kept, overflow }
        let step: Step = state.withLock { state in
            if state.ended { return .kept }
            if let waiter = state.waiter {
                state.waiter = nil
                return .resume(waiter)
            }
            state.pending.append(bytes)
            state.pendingBytes += bytes.count
            if state.pendingBytes > state.limit { return .overflow }
            if let connection = state.startDelivery() { return .deliver(connection, state.executor) }
            return .kept
        }
        switch step {
        case .resume(let waiter): waiter.resume(returning: bytes)
        case .deliver(let connection, let executor): deliver(to: connection, executor: executor)
        case .overflow: context.close(promise: nil)
        case .kept: break
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        let (waiter, start, executor) = state.withLock { state in
            state.ended = true
            defer { state.waiter = nil }
            return (state.waiter, state.startDelivery(), state.executor)
        }
        waiter?.resume(returning: nil)
        if let start { deliver(to: start, executor: executor) }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A read error (reset by the peer): the close ends the input.
        context.close(promise: nil)
    }
}
