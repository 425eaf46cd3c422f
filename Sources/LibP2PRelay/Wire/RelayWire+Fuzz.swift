import LibP2PCore

extension RelayWire {
    /// The fuzzing entry point (`fuzz-relay`): arbitrary bytes as a hop message, a stop
    /// message, a reservation voucher envelope and a circuit address. Bad input only ever
    /// produces an error; a decoded message must re-encode to something that decodes equal.
    public static func fuzz(_ bytes: [UInt8]) {
        if let hop = try? decodeHop(bytes) {
            let again: [UInt8]
            switch hop {
            case .reserve: again = encodeReserve()
            case .connect(let target): again = encodeConnect(to: target)
            case .status(let reply): again = encode(reply)
            }
            precondition((try? decodeHop(again)) == hop, "a decoded hop message does not survive re-encoding")
        }
        if let stop = try? decodeStop(bytes) {
            let again: [UInt8]
            switch stop {
            case .connect(let source, let limit): again = encodeStopConnect(from: source, limit: limit)
            case .status(let status): again = encodeStopStatus(status)
            }
            precondition((try? decodeStop(again)) == stop, "a decoded stop message does not survive re-encoding")
        }
        _ = try? ReservationVoucher.open(bytes)
        if let address = try? Multiaddr(bytes: bytes) { _ = CircuitAddress(address) }
    }
}
