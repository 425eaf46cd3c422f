extension Multiaddr {
    /// A fuzzing entry point: parses `bytes` as a binary multiaddr and, as UTF-8 text, as a
    /// string multiaddr. Malformed input only produces errors; whatever parses must round-trip
    /// through both forms, and a broken round trip traps (that is a bug worth finding).
    ///
    /// - Parameter bytes: Arbitrary input.
    public static func fuzz(_ bytes: [UInt8]) {
        if let address = try? Multiaddr(bytes: bytes) {
            checkRoundTrips(address)
        }
        if let text = String(validating: bytes, as: UTF8.self), let address = try? Multiaddr(text) {
            checkRoundTrips(address)
        }
    }

    private static func checkRoundTrips(_ address: Multiaddr) {
        let binary = address.bytes
        precondition(binary.count <= maxBinaryLength, "multiaddr binary form over the limit")
        precondition((try? Multiaddr(bytes: binary)) == address, "multiaddr binary round trip failed")
        precondition((try? Multiaddr(address.description)) == address, "multiaddr string round trip failed")
    }
}
