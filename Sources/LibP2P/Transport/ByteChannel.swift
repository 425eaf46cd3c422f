import NIOCore

/// The reading half of a raw connection as the upgrade and the muxer see it: the next chunk
/// of bytes, in order. A raw connection is a TCP socket or, for a relayed connection, a
/// stream of a connection to the relay.
struct ByteReader {
    private enum Source {
        case socket(NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator)
        case stream(LibP2PStream)
    }

    private var source: Source
    /// The most bytes the peer may send before the upgrade completes.
    private var budget: Int

    init(_ inbound: NIOAsyncChannelInboundStream<ByteBuffer>, budget: Int) {
        source = .socket(inbound.makeAsyncIterator())
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
        case .socket(var iterator):
            let buffer = try await iterator.next()
            source = .socket(iterator)
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
    mutating func removeBudget() { budget = .max }
}

/// The writing half of a raw connection.
struct ByteWriter: Sendable {
    private enum Sink: Sendable {
        case socket(NIOAsyncChannelOutboundWriter<ByteBuffer>)
        case stream(LibP2PStream)
    }

    private let sink: Sink

    init(_ outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) { sink = .socket(outbound) }
    init(_ stream: LibP2PStream) { sink = .stream(stream) }

    func write(_ bytes: [UInt8]) async throws {
        switch sink {
        case .socket(let outbound): try await outbound.write(ByteBuffer(bytes: bytes))
        case .stream(let stream): try await stream.write(bytes)
        }
    }
}
