import LibP2PKad

// libFuzzer entry point: arbitrary bytes as one Kademlia message (/ipfs/kad/1.0.0) through
// KadNode.fuzz: decode, re-encode round trip, and a fresh server node answering it
// (make fuzz). Malformed input only produces KadError; a trap is a bug.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    KadNode.fuzz(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
