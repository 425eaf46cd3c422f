import LibP2PYamux
import Testing

struct YamuxConcurrencyTests {
    /// 20 streams written in turns, echoed by the server; each stream's bytes come back
    /// exact, and on the wire every frame is whole (no frame inside another).
    @Test(arguments: [nil, 7] as [Int?])
    func twentyInterleavedStreams(chunkSize: Int?) throws {
        var pair = SessionPair(chunkSize: chunkSize)
        var ids: [YamuxStreamID] = []
        var sent: [YamuxStreamID: [UInt8]] = [:]
        for _ in 0..<20 { ids.append(try pair.client.openStream()) }
        for round in 0..<8 {
            for (index, id) in ids.enumerated() {
                let chunk = patternBytes(count: 1_000 + index * 997 + round * 31, seed: UInt64(index * 100 + round))
                try pair.client.write(stream: id, data: chunk)
                sent[id, default: []] += chunk
            }
            pair.pump(client: Self.consume, server: echoApplication)
        }
        for id in ids { try pair.client.closeWrite(stream: id) }
        pair.pump(client: Self.consume, server: echoApplication)

        let echoed = receivedData(pair.clientEvents)
        for id in ids {
            #expect(echoed[id] == sent[id], "stream \(id)")
            #expect(pair.clientEvents.contains(.streamClosed(id)))
            #expect(pair.serverEvents.contains(.streamClosed(id)))
        }
        #expect(pair.client.openStreamCount == 0 && pair.server.openStreamCount == 0)

        // Re-read the client's wire: every Data frame's payload continues its own stream.
        var onWire: [YamuxStreamID: [UInt8]] = [:]
        for frame in try decodeFrames(pair.clientWire) where frame.header.type == .data {
            onWire[frame.header.streamID, default: []] += frame.payload
        }
        #expect(onWire == sent)
    }

    private static func consume(_ session: inout YamuxSession, _ event: YamuxEvent) {
        if case .data(let id, let bytes) = event { session.consumed(stream: id, bytes: bytes.count) }
    }
}
