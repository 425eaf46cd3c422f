import LibP2PNoise

// libFuzzer entry point: arbitrary bytes into NoiseHandshake.fuzz (make fuzz).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    NoiseHandshake.fuzz(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
