/// Unsigned-varint length-prefixed messages (`<uvarint length><payload>`), the framing of
/// multistream-select and of libp2p protocols built on it (Identify, Kademlia, …).
///
/// ``encode(_:)`` frames one payload; ``LengthPrefixedDecoder`` takes input in arbitrary
/// pieces and yields whole payloads.
public enum LengthPrefixed {
    /// Frames one payload.
    ///
    /// - Parameter payload: The message bytes.
    /// - Returns: The varint length of `payload`, then `payload`.
    public static func encode(_ payload: some Collection<UInt8>) -> [UInt8] {
        var buffer: [UInt8] = []
        encode(payload, into: &buffer)
        return buffer
    }

    /// Appends one framed payload to `buffer`.
    ///
    /// - Parameters:
    ///   - payload: The message bytes.
    ///   - buffer: The buffer that receives the frame.
    public static func encode(_ payload: some Collection<UInt8>, into buffer: inout [UInt8]) {
        Varint.encode(UInt64(payload.count), into: &buffer)
        buffer.append(contentsOf: payload)
    }
}
