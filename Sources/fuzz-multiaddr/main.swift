import LibP2PCore

// libFuzzer entry point: arbitrary bytes into Multiaddr.fuzz (make fuzz).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    Multiaddr.fuzz(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
