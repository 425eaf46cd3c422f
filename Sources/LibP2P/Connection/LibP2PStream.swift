import LibP2PCore
import LibP2PYamux

/// One yamux stream of a connection, after protocol negotiation, as protocol code uses it.
///
/// Reads return what has arrived (nil once the peer closed its side); writes wait while the
/// peer's receive window is full, which is the back-pressure a slow reader exerts.
public final class LibP2PStream: Sendable {
    /// The protocol agreed for this stream.
    public let protocolID: String
    public let remotePeer: PeerID
    let connection: MuxedConnection
    let id: YamuxStreamID

    init(protocolID: String, remotePeer: PeerID, connection: MuxedConnection, id: YamuxStreamID) {
        self.protocolID = protocolID
        self.remotePeer = remotePeer
        self.connection = connection
        self.id = id
    }

    /// The next bytes received, at most `maxBytes`; nil at end of stream.
    public func read(maxBytes: Int = 1 << 20) async throws -> [UInt8]? {
        try await connection.read(stream: id, maxBytes: maxBytes)
    }

    /// Exactly `count` bytes; throws if the stream ends first.
    public func readExactly(_ count: Int) async throws -> [UInt8] {
        try await connection.readExactly(stream: id, count: count)
    }

    /// One uvarint-length-prefixed message of at most `maxLength` bytes; nil at a clean end.
    public func readLengthPrefixed(maxLength: Int) async throws -> [UInt8]? {
        try await connection.readLengthPrefixed(stream: id, maxLength: maxLength)
    }

    /// Writes all of `bytes`, waiting for window as needed.
    public func write(_ bytes: [UInt8]) async throws {
        try await connection.write(stream: id, bytes)
    }

    /// Writes one uvarint-length-prefixed message.
    public func writeLengthPrefixed(_ message: [UInt8]) async throws {
        try await write(Varint.encode(UInt64(message.count)) + message)
    }

    /// Closes our side (FIN); the peer may go on writing.
    public func closeWrite() async throws {
        try await connection.closeWrite(stream: id)
    }

    deinit {
        let connection = connection
        let id = id
        Task { await connection.release(stream: id) }
    }

    /// Abandons the stream (RST).
    public func reset() async {
        await connection.reset(stream: id)
    }
}
