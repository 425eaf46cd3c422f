import VarianceOlm

// libFuzzer entry point: arbitrary bytes as Olm messages of both types, and as a message
// to decrypt in a fresh session (make fuzz). Nothing may trap.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? NormalMessage(bytes: bytes)
    _ = try? PreKeyMessage(bytes: bytes)
    _ = try? OlmMessage(type: Int(bytes.first ?? 0) & 1, bytes: Array(bytes.dropFirst()))
    if let message = try? PreKeyMessage(bytes: bytes) {
        var alice = OlmAccount()
        let bob = OlmAccount()
        _ = try? alice.createInboundSession(theirIdentityKey: bob.curve25519Key, message: message)
    }
    return 0
}
