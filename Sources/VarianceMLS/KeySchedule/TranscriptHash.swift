/// Transcript hashes (RFC 9420 §8.2).
///
/// ```
/// confirmed[n] = Hash(interim[n-1] || ConfirmedTranscriptHashInput[n])
/// interim[n]   = Hash(confirmed[n] || InterimTranscriptHashInput[n])
/// ```
/// `interim[-1]` (before epoch 0's first commit) is the empty string.
extension CipherSuite {
    /// The confirmed transcript hash after a commit carried as `wireFormat` with `content`
    /// and `signature`.
    public func confirmedTranscriptHash(
        interimBefore: [UInt8], wireFormat: WireFormat, content: FramedContent, signature: [UInt8]
    ) -> [UInt8] {
        var writer = TLSWriter()
        writer.writeRaw(interimBefore)
        writer.write(wireFormat.rawValue)
        writer.write(content)
        writer.writeOpaque(signature)
        return hash(writer.bytes)
    }

    /// The interim transcript hash from a confirmed hash and the commit's confirmation tag.
    public func interimTranscriptHash(confirmed: [UInt8], confirmationTag: [UInt8]) -> [UInt8] {
        var writer = TLSWriter()
        writer.writeRaw(confirmed)
        writer.writeOpaque(confirmationTag)
        return hash(writer.bytes)
    }
}
