import VarianceOffline

// libFuzzer entry point: arbitrary bytes through every `/variance/offline/1.0.0` decoder
// (client and relay messages, the framing) and a relay session fed them as a stream
// (OfflineServerSession.fuzz). Malformed input only yields statuses and errors; a trap is a
// bug.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    OfflineServerSession.fuzz(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
