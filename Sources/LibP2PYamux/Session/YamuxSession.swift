// A yamux (/yamux/1.0.0) session as a pure state machine: bytes and calls in, events and
// bytes out. No sockets, no clocks, no tasks.
//
// The states of one stream:
//
//     openStream()                                      SYN arrives (Data or WindowUpdate)
//     sends WindowUpdate[SYN]                           sends WindowUpdate[ACK]
//          |                                            reports .streamOpened
//          v                                                       |
//     +----------+   ACK arrives (Data or WindowUpdate)            |
//     | SYN_SENT |---------- reports .streamAccepted -----+        |
//     +----------+   (data may flow before the ACK)       |        |
//                                                          v        v
//                                                     +----------------+
//                         closeWrite()                |      OPEN      |   FIN arrives
//                  +----- FIN after queued data ------|                |------- reports -----+
//                  |                                  +----------------+  .remoteClosedWrite  |
//                  v                                                                          v
//       +---------------------+                                               +---------------------+
//       |    LOCAL_CLOSED     |                                               |    REMOTE_CLOSED    |
//       | we send no more;    |                                               | peer sends no more; |
//       | data still arrives  |                                               | we may still write  |
//       +---------------------+                                               +---------------------+
//                  |  FIN arrives                                  closeWrite(): FIN    |
//                  |  reports .remoteClosedWrite                   after queued data    |
//                  +-------------------------------+       +------------------------------+
//                                                  v       v
//                                               +-------------+
//                                               |   CLOSED    |  reports .streamClosed;
//                                               +-------------+  the stream is forgotten
//
//     From every state: reset() sends RST, or an RST arrives (reports .streamReset), and
//     the stream is forgotten at once. The ACK is independent of the halves: SYN_SENT
//     streams can be half-closed too.
//
//     Frames for forgotten or never-opened streams: Data is answered with RST (unless it
//     carries RST itself), WindowUpdate is ignored, a SYN reusing an old id is a protocol
//     error.

/// A yamux (`/yamux/1.0.0`) session over one secured connection, as a value.
///
/// Feed it the connection's bytes with ``receive(_:)-([UInt8])``, call the stream operations
/// the application asks for, then send what ``takeOutput()`` returns and act on the
/// ``YamuxEvent``s. Frames are written whole and in call order, so frames of different
/// streams never interleave. Bounds: streams per direction, bytes queued per stream and the
/// receive window per stream (see ``YamuxConfiguration``).
public struct YamuxSession: Sendable {
    /// Which end of the connection this session is; decides the parity of stream ids.
    public enum Role: Hashable, Sendable {
        /// The dialer: opens odd-numbered streams.
        case client
        /// The listener: opens even-numbered streams.
        case server
    }

    enum State: Sendable {
        case active
        case failed(YamuxProtocolError)
    }

    /// This side's role.
    public let role: Role
    /// The limits in force (normalized: see ``YamuxConfiguration/initialWindow``).
    public let configuration: YamuxConfiguration

    var state: State = .active
    var decoder: YamuxFrameDecoder
    /// A Data header whose payload has not fully arrived.
    var pendingHeader: YamuxFrameHeader?
    var streams: [YamuxStreamID: YamuxStream] = [:]
    var inboundStreamCount = 0
    var outboundStreamCount = 0
    var nextOutboundID: UInt64
    var closedInbound = ClosedStreamHistory(capacity: 4096)
    var output: [UInt8] = []
    var events: [YamuxEvent] = []

    /// The code of the GoAway this side sent, if any.
    public internal(set) var localGoAway: YamuxGoAwayCode?
    /// The code of the GoAway the peer sent, if any.
    public internal(set) var remoteGoAway: YamuxGoAwayCode?

    /// A session with no streams.
    ///
    /// - Parameters:
    ///   - role: `.client` for the side that dialled, `.server` for the side that listened.
    ///   - configuration: Windows and limits.
    public init(role: Role, configuration: YamuxConfiguration = YamuxConfiguration()) {
        self.role = role
        self.configuration = configuration.normalized
        self.decoder = YamuxFrameDecoder(maxDataLength: self.configuration.maxWindow)
        self.nextOutboundID = role == .client ? 1 : 2
    }

    // MARK: Input and output

    /// Processes bytes from the connection.
    ///
    /// - Returns: Every event since the last call to this or ``takeEvents()``, including
    ///   ones caused by local calls in between. After a ``YamuxEvent/protocolError(_:)``,
    ///   input is ignored.
    public mutating func receive(_ bytes: [UInt8]) -> [YamuxEvent] {
        if case .active = state {
            decoder.append(bytes)
            processInput()
        }
        return takeEvents()
    }

    /// Processes bytes from the connection (for a NIO `ByteBuffer`'s readable bytes).
    ///
    /// - Returns: As ``receive(_:)-([UInt8])``.
    public mutating func receive(_ bytes: UnsafeRawBufferPointer) -> [YamuxEvent] {
        if case .active = state {
            decoder.append(bytes)
            processInput()
        }
        return takeEvents()
    }

    /// Takes the events queued since the last call (local calls such as
    /// ``closeWrite(stream:)`` can queue ``YamuxEvent/streamClosed(_:)``).
    public mutating func takeEvents() -> [YamuxEvent] {
        defer { events = [] }
        return events
    }

    /// Takes the bytes to send on the connection: whole frames, in order.
    public mutating func takeOutput() -> [UInt8] {
        defer { output = [] }
        return output
    }

    /// Whether ``takeOutput()`` would return bytes.
    public var hasPendingOutput: Bool { !output.isEmpty }

    /// The protocol error that ended the session, if one did.
    public var failure: YamuxProtocolError? {
        if case .failed(let error) = state { return error }
        return nil
    }

    /// Streams currently open (in either direction, not yet closed by both sides or reset).
    public var openStreamCount: Int { streams.count }

    /// Whether `stream` is open.
    public func isOpen(_ stream: YamuxStreamID) -> Bool { streams[stream] != nil }

    // MARK: Session operations

    /// Opens a stream: queues a WindowUpdate with SYN. Data may be written at once, before
    /// the peer's ACK (reported as ``YamuxEvent/streamAccepted(_:)``) or RST.
    ///
    /// - Throws: ``YamuxError/sessionFailed``, ``YamuxError/goingAway``,
    ///   ``YamuxError/streamLimitReached``, ``YamuxError/streamIDsExhausted``.
    public mutating func openStream() throws(YamuxError) -> YamuxStreamID {
        guard case .active = state else { throw .sessionFailed }
        guard localGoAway == nil, remoteGoAway == nil else { throw .goingAway }
        guard outboundStreamCount < configuration.maxOutboundStreams else { throw .streamLimitReached }
        guard nextOutboundID <= UInt64(UInt32.max) else { throw .streamIDsExhausted }
        let id = YamuxStreamID(UInt32(nextOutboundID))
        nextOutboundID += 2
        var stream = YamuxStream(id: id, isOutbound: true, targetWindow: configuration.initialWindow)
        let delta = stream.grantInitialWindow()
        streams[id] = stream
        outboundStreamCount += 1
        appendHeader(.windowUpdate, .syn, id, delta)
        return id
    }

    /// Queues a Ping request; the reply comes back as ``YamuxEvent/pong(opaque:)`` with the
    /// same value. Time it in the caller. Ignored after a protocol error.
    public mutating func ping(opaque: UInt32) {
        guard case .active = state else { return }
        appendHeader(.ping, .syn, .session, opaque)
    }

    /// Queues a GoAway: no new streams in either direction from now on (inbound SYNs are
    /// refused with RST); open streams go on. Close the connection once they are done.
    /// Only the first call sends a frame.
    public mutating func goAway(code: YamuxGoAwayCode = .normal) {
        guard case .active = state, localGoAway == nil else { return }
        localGoAway = code
        appendHeader(.goAway, [], .session, code.rawValue)
    }
}
