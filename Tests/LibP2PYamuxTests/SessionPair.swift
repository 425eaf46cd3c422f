import LibP2PYamux

/// A client and a server session wired back to back: bytes move between them with no
/// sockets, whole or in pieces of `chunkSize` bytes (1 = byte by byte).
struct SessionPair {
    typealias Application = (inout YamuxSession, YamuxEvent) -> Void

    var client: YamuxSession
    var server: YamuxSession
    var clientEvents: [YamuxEvent] = []
    var serverEvents: [YamuxEvent] = []
    /// Every byte the client sent, for checking the framing on the wire.
    var clientWire: [UInt8] = []
    var chunkSize: Int?

    init(
        client clientConfiguration: YamuxConfiguration = YamuxConfiguration(),
        server serverConfiguration: YamuxConfiguration = YamuxConfiguration(),
        chunkSize: Int? = nil
    ) {
        client = YamuxSession(role: .client, configuration: clientConfiguration)
        server = YamuxSession(role: .server, configuration: serverConfiguration)
        self.chunkSize = chunkSize
    }

    /// Moves bytes both ways until neither side has anything to send. Each side's events
    /// are recorded and handed to its application, which may call the session.
    mutating func pump(client clientApp: Application? = nil, server serverApp: Application? = nil) {
        Self.collect(&client, into: &clientEvents, clientApp)
        Self.collect(&server, into: &serverEvents, serverApp)
        while client.hasPendingOutput || server.hasPendingOutput {
            let toServer = client.takeOutput()
            clientWire += toServer
            Self.deliver(toServer, chunkSize: chunkSize, to: &server, into: &serverEvents, serverApp)
            Self.deliver(server.takeOutput(), chunkSize: chunkSize, to: &client, into: &clientEvents, clientApp)
        }
    }

    private static func deliver(
        _ bytes: [UInt8], chunkSize: Int?, to session: inout YamuxSession, into log: inout [YamuxEvent], _ app: Application?
    ) {
        guard !bytes.isEmpty else { return }
        let size = chunkSize ?? bytes.count
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + size, bytes.count)
            let events = session.receive(Array(bytes[offset..<end]))
            offset = end
            Self.react(events, session: &session, into: &log, app)
        }
    }

    private static func collect(_ session: inout YamuxSession, into log: inout [YamuxEvent], _ app: Application?) {
        Self.react(session.takeEvents(), session: &session, into: &log, app)
    }

    private static func react(
        _ events: [YamuxEvent], session: inout YamuxSession, into log: inout [YamuxEvent], _ app: Application?
    ) {
        var pending = events
        while !pending.isEmpty {
            for event in pending {
                log.append(event)
                app?(&session, event)
            }
            pending = session.takeEvents()
        }
    }
}

/// An application that echoes every stream's data and closes its write side after the peer's.
func echoApplication(_ session: inout YamuxSession, _ event: YamuxEvent) {
    switch event {
    case .data(let id, let bytes):
        session.consumed(stream: id, bytes: bytes.count)
        _ = try? session.write(stream: id, data: bytes)
    case .remoteClosedWrite(let id):
        try? session.closeWrite(stream: id)
    default:
        break
    }
}

/// Concatenated data per stream from a list of events.
func receivedData(_ events: [YamuxEvent]) -> [YamuxStreamID: [UInt8]] {
    var result: [YamuxStreamID: [UInt8]] = [:]
    for case .data(let id, let bytes) in events { result[id, default: []] += bytes }
    return result
}

/// The frames in `bytes`, which must be whole and valid.
func decodeFrames(_ bytes: [UInt8]) throws -> [YamuxFrame] {
    var decoder = YamuxFrameDecoder(maxDataLength: .max)
    decoder.append(bytes)
    var frames: [YamuxFrame] = []
    while let frame = try decoder.nextFrame() { frames.append(frame) }
    return frames
}

/// Deterministic bytes (xorshift), different for each seed.
func patternBytes(count: Int, seed: UInt64) -> [UInt8] {
    var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
    var bytes = [UInt8](repeating: 0, count: count)
    for index in 0..<count {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        bytes[index] = UInt8(truncatingIfNeeded: state)
    }
    return bytes
}

/// Concatenates encoded frames.
func wire(_ frames: YamuxFrame...) -> [UInt8] {
    frames.flatMap(\.encoded)
}
