import LibP2PYamux

// libFuzzer entry point: arbitrary bytes into YamuxSession.fuzz (make fuzz).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    YamuxSession.fuzz(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
