extension YamuxSession {
    /// Feeds arbitrary bytes to a server and a client session, the way a libFuzzer entry
    /// point would (`YamuxSession.fuzz(Array(UnsafeBufferPointer(start: data, count: size)))`).
    ///
    /// The server gets the input in pieces whose sizes the input itself chooses and plays
    /// an echo application (consumes, echoes, closes, pings back); the client gets it in
    /// one piece. Hostile input must never trap. It traps only when the session breaks its
    /// own invariants, e.g. emits bytes that are not valid yamux frames: a bug to report.
    public static func fuzz(_ bytes: [UInt8]) {
        var configuration = YamuxConfiguration()
        configuration.maxInboundStreams = 8
        configuration.maxBufferedBytesPerStream = 1 << 16
        configuration.maxSendFrameLength = 1024
        configuration.autoTuneWindow = bytes.first.map { $0 & 1 == 1 } ?? false

        var server = YamuxSession(role: .server, configuration: configuration)
        var serverWire = YamuxFrameDecoder(maxDataLength: .max)
        _ = try? server.openStream()
        var offset = 0
        while offset < bytes.count {
            let size = Int(bytes[offset] & 0x3F) + 1
            let end = min(offset + size, bytes.count)
            let events = server.receive(Array(bytes[offset..<end])) + server.takeEvents()
            offset = end
            for event in events { server.actAsEchoApplication(on: event) }
            checkOutput(server.takeOutput(), with: &serverWire)
        }

        var client = YamuxSession(role: .client, configuration: configuration)
        var clientWire = YamuxFrameDecoder(maxDataLength: .max)
        _ = try? client.openStream()
        for event in client.receive(bytes) { client.actAsEchoApplication(on: event) }
        checkOutput(client.takeOutput(), with: &clientWire)
    }

    private mutating func actAsEchoApplication(on event: YamuxEvent) {
        switch event {
        case .data(let id, let bytes):
            consumed(stream: id, bytes: bytes.count)
            _ = try? write(stream: id, data: bytes)
        case .remoteClosedWrite(let id):
            try? closeWrite(stream: id)
        case .streamOpened(let id) where id.rawValue % 3 == 0:
            reset(stream: id)
        case .pong(let opaque):
            ping(opaque: opaque &+ 1)
        case .goAwayReceived:
            goAway()
        default:
            break
        }
    }

    private static func checkOutput(_ output: [UInt8], with decoder: inout YamuxFrameDecoder) {
        decoder.append(output)
        do {
            while try decoder.nextFrame() != nil {}
        } catch {
            preconditionFailure("yamux session produced an invalid frame: \(error)")
        }
    }
}
