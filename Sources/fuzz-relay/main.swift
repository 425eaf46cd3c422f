import LibP2PRelay

// libFuzzer entry point: arbitrary bytes as Circuit Relay v2 hop and stop messages, a
// reservation voucher and a circuit address (RelayWire.fuzz; make fuzz). Malformed input
// only produces errors; a trap is a bug.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    RelayWire.fuzz(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
