import LibP2PNAT

// libFuzzer entry point: arbitrary bytes as an AutoNAT v1 message and as DCUtR stream input
// through NATFuzz.run: decoders with round trips, the AutoNAT server's decision, and both
// DCUtR roles. Malformed input only produces errors; a trap is a bug. Build with
// swift build --product fuzz-nat --sanitize=fuzzer --sanitize=address --scratch-path .build-fuzz

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    NATFuzz.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
