/// An entry of the `external_senders` group context extension (RFC 9420 §12.1.8.1).
public struct ExternalSender: TLSCodable, Hashable {
    /// The key that signs this sender's proposals.
    public var signatureKey: [UInt8]
    /// The sender's credential.
    public var credential: Credential

    /// Creates an external sender entry.
    public init(signatureKey: [UInt8], credential: Credential) {
        self.signatureKey = signatureKey
        self.credential = credential
    }

    public func encode(to writer: inout TLSWriter) {
        writer.writeOpaque(signatureKey)
        writer.write(credential)
    }

    public init(from reader: inout TLSReader) throws {
        signatureKey = try reader.readOpaque()
        credential = try reader.read()
    }
}
