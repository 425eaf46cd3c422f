import LibP2PCore
import NIOCore
import NIOPosix
import Synchronization

/// A plain TCP client for tests: writes whatever it is told, records what comes back and
/// whether the other side closed. It knows no protocol; ``HandDrivenPeer`` adds them.
///
/// Every wait is bounded and polls; nothing here sleeps for synchronization.
final class RawConnection: Sendable {
    private let channel: any Channel
    private let recorder: Recorder

    private init(channel: any Channel, recorder: Recorder) {
        self.channel = channel
        self.recorder = recorder
    }

    /// Connects to a TCP multiaddr (`/ip4/127.0.0.1/tcp/…`, any `/p2p` suffix ignored).
    /// - Parameter receiveBuffer: A fixed `SO_RCVBUF` (none: the kernel's own, which grows),
    ///   so that a peer that stops reading fills its socket after a few kilobytes.
    static func connect(to address: Multiaddr, receiveBuffer: Int? = nil) async throws -> RawConnection {
        guard let port = address.tcpPort else { throw RawConnectionError.notTCP }
        let recorder = Recorder()
        var bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        if let receiveBuffer {
            bootstrap = bootstrap.channelOption(.socketOption(.so_rcvbuf), value: SocketOptionValue(receiveBuffer))
        }
        let channel = try await bootstrap
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(recorder) }
            }
            .connect(host: "127.0.0.1", port: Int(port)).get()
        return RawConnection(channel: channel, recorder: recorder)
    }

    /// Writes `bytes`; a failure (the peer has closed) is ignored, as a hostile peer would.
    func send(_ bytes: [UInt8]) async {
        try? await channel.writeAndFlush(ByteBuffer(bytes: bytes)).get()
    }

    /// Whether the other side has closed the connection (or reset it).
    var isClosed: Bool { recorder.state.withLock { $0.closed } }

    /// Takes every byte received so far.
    func takeReceived() -> [UInt8] {
        recorder.state.withLock { state in
            defer { state.bytes = [] }
            return state.bytes
        }
    }

    /// The bytes received next, waiting up to `timeout`; nil if none came (or the other
    /// side closed without sending more).
    func receive(within timeout: Duration = .seconds(5)) async -> [UInt8]? {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            let bytes = takeReceived()
            if !bytes.isEmpty { return bytes }
            if isClosed { return nil }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return nil
    }

    /// Waits up to `timeout` for the other side to close; returns whether it did.
    func waitUntilClosed(within timeout: Duration = .seconds(5)) async -> Bool {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if isClosed { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return isClosed
    }

    /// Stops reading from the socket (what arrives stays in the kernel's buffers), as a
    /// peer that no longer reads would.
    func stopReading() async {
        try? await channel.setOption(.autoRead, value: false).get()
    }

    /// Closes our side.
    func close() async {
        try? await channel.close().get()
    }
}

enum RawConnectionError: Error {
    case notTCP
}

/// Records inbound bytes and the close, from the event loop.
private final class Recorder: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    struct State {
        var bytes: [UInt8] = []
        var closed = false
    }

    let state = Mutex(State())

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        state.withLock { $0.bytes += bytes }
    }

    func channelInactive(context: ChannelHandlerContext) {
        state.withLock { $0.closed = true }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
