import VarianceMedia

// libFuzzer entry point: RTP, RTCP, VP8 payload descriptors, the receive pipeline, WAV, Y4M
// and IVF headers, and call signals. Build and run:
//   swift build --product fuzz-media --sanitize=fuzzer --sanitize=address --scratch-path .build-fuzz
//   SWIFT_BACKTRACE=enable=no .build-fuzz/debug/fuzz-media -max_total_time=60

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMedia(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    MediaFuzzer.fuzz(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
