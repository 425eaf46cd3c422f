import LibP2PCore

// libFuzzer entry point: arbitrary bytes into Multistream.fuzz (make fuzz).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    Multistream.fuzz(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
