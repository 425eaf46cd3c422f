import VarianceMessaging

// libFuzzer entry point: arbitrary bytes into every direct-message decoder (identity
// records, key exchange, envelopes, content, acks) through DirectMessageCodec.fuzz.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    DirectMessageCodec.fuzz(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
