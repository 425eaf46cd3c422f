/// The answer to `ls`: one length-prefixed message whose payload is the protocols, each
/// itself framed as a multistream message (`<uvarint len><id>\n`), followed by a final `\n`.
///
/// This follows the multistream-select README; go-multistream omits the final `\n`, which
/// ``decode(payload:)`` tolerates.
public enum MultistreamListing {
    /// The framed `ls` answer for these protocols, in the order given.
    ///
    /// - Parameter protocols: The protocol ids.
    /// - Returns: The whole message, outer length prefix included.
    public static func encode(_ protocols: [String]) -> [UInt8] {
        var payload: [UInt8] = []
        for id in protocols {
            payload += MultistreamMessage.protocolID(id).encoded
        }
        payload.append(UInt8(ascii: "\n"))
        return LengthPrefixed.encode(payload)
    }

    /// The protocol ids in an `ls` answer.
    ///
    /// - Parameter payload: The answer's payload (after its outer length prefix).
    /// - Returns: The protocol ids, in order.
    /// - Throws: ``MultistreamError`` if an entry is malformed or cut off.
    public static func decode(payload: [UInt8]) throws(MultistreamError) -> [String] {
        var protocols: [String] = []
        var index = 0
        // Entries until the end, or until only the final "\n" is left.
        while index < payload.count && payload[index...] != [UInt8(ascii: "\n")] {
            let length: UInt64
            let prefixLength: Int
            do {
                (length, prefixLength) = try Varint.decode(payload[index...])
            } catch {
                throw .invalidLengthPrefix
            }
            index += prefixLength
            guard length <= UInt64(payload.count - index) else { throw .missingNewline }
            let entry = Array(payload[index..<index + Int(length)])
            index += Int(length)
            guard case .protocolID(let id) = try MultistreamMessage(payload: entry) else {
                throw .unexpectedMessage
            }
            protocols.append(id)
        }
        return protocols
    }
}
