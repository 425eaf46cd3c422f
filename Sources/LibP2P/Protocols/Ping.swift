import Crypto

/// `/ipfs/ping/1.0.0`: 32 random bytes, echoed back, on one stream, as often as wanted.
public enum Ping {
    public static let protocolID = "/ipfs/ping/1.0.0"
    static let size = 32

    /// Serves pings until the peer closes the stream.
    static func serve(_ stream: LibP2PStream) async {
        do {
            while true {
                let payload: [UInt8]
                do { payload = try await stream.readExactly(size) } catch LibP2PError.connectionClosed { break }
                try await stream.write(payload)
            }
            try? await stream.closeWrite()
        } catch {
            await stream.reset()
        }
    }

    /// Sends `count` pings on one stream; returns each round trip in nanoseconds.
    static func run(_ stream: LibP2PStream, count: Int, clock: ContinuousClock = ContinuousClock()) async throws -> [Duration] {
        var rtts: [Duration] = []
        rtts.reserveCapacity(count)
        for _ in 0..<count {
            var payload = [UInt8](repeating: 0, count: size)
            for i in 0..<size { payload[i] = UInt8.random(in: 0...255) }
            let start = clock.now
            try await stream.write(payload)
            let echo = try await stream.readExactly(size)
            guard echo == payload else { throw LibP2PError.protocolViolation("the ping echo did not match") }
            rtts.append(clock.now - start)
        }
        try? await stream.closeWrite()
        return rtts
    }
}
