import VarianceMediaIPC

// libFuzzer entry point: the frames and messages on the pipe between the engine and
// variance-media (the engine reads what a process exposed to hostile network input writes).
//   swift build --product fuzz-media-ipc --sanitize=fuzzer --sanitize=address --scratch-path .build-fuzz
//   SWIFT_BACKTRACE=enable=no .build-fuzz/debug/fuzz-media-ipc -max_total_time=60

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMediaIPC(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    MediaIPCFuzzer.fuzz(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
