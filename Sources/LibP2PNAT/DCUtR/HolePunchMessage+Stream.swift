import LibP2PCore

extension LengthPrefixedDecoder {
    /// The next whole `HolePunch` message on a DCUtR stream, or nil if more bytes are needed.
    ///
    /// - Throws: ``NATWireError`` for a frame over the 4 KiB limit, a broken length prefix or
    ///   an invalid message; the stream is unusable afterwards.
    mutating func nextHolePunchMessage() throws(NATWireError) -> HolePunchMessage? {
        let payload: [UInt8]?
        do {
            payload = try next()
        } catch .messageTooLong(let length, let limit) {
            throw .messageTooLarge(size: Int(clamping: length), limit: limit)
        } catch {
            throw .malformed
        }
        guard let payload else { return nil }
        return try HolePunchMessage.decode(payload)
    }
}
