import NIOCore

/// The two halves of a TCP connection as the upgrade and the muxer see them: read the next
/// chunk of bytes, write bytes in order.
struct ByteReader {
    private var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    /// The most bytes the peer may send before the upgrade completes.
    private var budget: Int

    init(_ inbound: NIOAsyncChannelInboundStream<ByteBuffer>, budget: Int) {
        iterator = inbound.makeAsyncIterator()
        self.budget = budget
    }

    /// The next chunk, or nil at end of input.
    mutating func next() async throws -> [UInt8]? {
        guard var buffer = try await iterator.next() else { return nil }
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        if budget != .max {
            budget -= bytes.count
            if budget < 0 { throw LibP2PError.protocolViolation("the peer sent too much before the connection was secured") }
        }
        return bytes
    }

    /// Lifts the byte budget once the connection is authenticated and flow-controlled.
    mutating func removeBudget() { budget = .max }
}
