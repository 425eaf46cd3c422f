import VarianceMessaging

// libFuzzer entry point: invite links, username claims and names (RecordsFuzz.fuzz;
// make fuzz). Malformed input only produces errors; a trap is a bug.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    RecordsFuzz.fuzz(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
