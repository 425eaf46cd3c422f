import NIOCore
import Synchronization

/// The reading half of a raw connection as the upgrade and the muxer see it: the next chunk
/// of bytes, in order. A raw connection is a TCP socket or, for a relayed connection, a
/// stream of a connection to the relay.
struct ByteReader {
    private enum Source {
        case socket(SocketInbound)
        case asyncChannel(NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator)
        case stream(LibP2PStream)
    }

    private var source: Source
    /// The most bytes the peer may send before the upgrade completes.
    private var budget: Int

    /// A socket read by a ``SocketInbound`` handler (a connection the swarm keeps).
    init(_ inbound: SocketInbound, budget: Int) {
        source = .socket(inbound)
        self.budget = budget
    }

    /// A socket wrapped in an `NIOAsyncChannel` (a connection used only for its upgrade).
    init(_ inbound: NIOAsyncChannelInboundStream<ByteBuffer>, budget: Int) {
        source = .asyncChannel(inbound.makeAsyncIterator())
        self.budget = budget
    }

    init(_ stream: LibP2PStream, budget: Int) {
        source = .stream(stream)
        self.budget = budget
    }

    /// The next chunk, or nil at end of input.
    mutating func next() async throws -> [UInt8]? {
        let bytes: [UInt8]
        switch source {
        case .socket(let inbound):
            guard let chunk = await inbound.next() else { return nil }
            bytes = chunk
        case .asyncChannel(var iterator):
            let buffer = try await iterator.next()
            source = .asyncChannel(iterator)
            guard var buffer else { return nil }
            bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        case .stream(let stream):
            guard let chunk = try await stream.read(maxBytes: 1 << 16) else { return nil }
            bytes = chunk
        }
        if budget != .max {
            budget -= bytes.count
            if budget < 0 { throw LibP2PError.protocolViolation("the peer sent too much before the connection was secured") }
        }
        return bytes
    }

    /// Lifts the byte budget once the connection is authenticated and flow-controlled.
    mutating func removeBudget() {
        budget = .max
        if case .socket(let inbound) = source { inbound.liftLimit() }
    }

    /// The relayed stream, which the connection under it will tap for the connection over it.
    var stream: LibP2PStream? {
        if case .stream(let stream) = source { return stream }
        return nil
    }

    /// The socket handler, when reading a socket the connection will read on its own.
    var socket: SocketInbound? {
        if case .socket(let inbound) = source { return inbound }
        return nil
    }
}

/// The writing half of a raw connection.
struct ByteWriter: Sendable {
    private enum Sink: Sendable {
        case socket(ChannelFrameWriter)
        case stream(LibP2PStream)
    }

    private let sink: Sink

    /// The socket, through the same ordered path as the muxed connection's frames after it.
    init(_ socket: ChannelFrameWriter) { sink = .socket(socket) }
    init(_ stream: LibP2PStream) { sink = .stream(stream) }

    func write(_ bytes: [UInt8]) async throws {
        switch sink {
        case .socket(let socket): socket.write(bytes)
        case .stream(let stream): try await stream.write(bytes)
        }
    }
}

/// Where a connection's encrypted frames go once it is upgraded.
enum FrameSink: Sendable {
    /// A socket: frames go straight to the NIO channel.
    case channel(ChannelFrameWriter)
    /// A relayed stream: the connection queues frames and writes them from a task that runs
    /// only while some wait.
    case stream(LibP2PStream)
}

/// Writes a connection's frames to its NIO channel without a task of its own, keeping the
/// order of the calls. Calls must not overlap (the connection actor makes them one at a
/// time, from whichever thread it runs on). A call made on the channel's event loop writes
/// at once unless earlier calls from other threads still wait in the loop's queue; those
/// go first, so nonce order is write order.
final class ChannelFrameWriter: Sendable {
    let channel: any Channel
    /// Calls handed to the event loop and not yet run there.
    private let queued = Atomic<Int>(0)
    /// The most bytes the channel may hold unwritten (``SwarmConfiguration/maxQueuedOutputBytes``).
    private let maxBufferedBytes: Int

    init(_ channel: any Channel, maxBufferedBytes: Int = .max) {
        self.channel = channel
        self.maxBufferedBytes = maxBufferedBytes
    }

    /// Writes and flushes `bytes` (no wait: back-pressure is yamux's windows). A peer that
    /// does not read leaves our frames in the channel's buffer, and whatever it keeps asking
    /// for (pongs, window updates) adds to them: past `maxBufferedBytes` the channel is
    /// closed instead.
    func write(_ bytes: [UInt8]) {
        let channel = channel
        let limit = maxBufferedBytes
        perform {
            if limit != .max, let buffered = try? channel.syncOptions?.getOption(.bufferedWritableBytes),
                buffered + bytes.count > limit
            {
                channel.close(promise: nil)
                return
            }
            channel.writeAndFlush(ByteBuffer(bytes: bytes), promise: nil)
        }
    }

    /// Closes the channel after every write handed over before.
    func close() {
        let channel = channel
        perform { channel.close(promise: nil) }
    }

    private func perform(_ work: @escaping @Sendable () -> Void) {
        let loop = channel.eventLoop
        if loop.inEventLoop, queued.load(ordering: .acquiring) == 0 {
            work()
            return
        }
        queued.add(1, ordering: .relaxed)
        loop.execute {
            work()
            self.queued.subtract(1, ordering: .releasing)
        }
    }
}
