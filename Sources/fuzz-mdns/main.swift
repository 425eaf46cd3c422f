import LibP2PMDNS

// libFuzzer entry point: arbitrary bytes as one mDNS datagram through MDNSService.fuzz:
// decode, re-encode round trip, the responder and the discovery side. Malformed input only
// produces DNSError or nil; a trap is a bug.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    MDNSService.fuzz(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
