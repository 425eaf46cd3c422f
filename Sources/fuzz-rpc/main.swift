import VarianceRPC

// libFuzzer entry point for everything that reads RPC bytes from outside: framing,
// JSON, request classification and every method's params. Build and run with `make fuzz`.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRPC(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    RPCFuzzing.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
