/// The `required_capabilities` group context extension (RFC 9420 §11.1).
public struct RequiredCapabilities: TLSCodable, Hashable {
    /// Extension types every member must support.
    public var extensionTypes: [UInt16]
    /// Proposal types every member must support.
    public var proposalTypes: [UInt16]
    /// Credential types every member must support.
    public var credentialTypes: [UInt16]

    /// Creates the extension body.
    public init(extensionTypes: [UInt16] = [], proposalTypes: [UInt16] = [], credentialTypes: [UInt16] = []) {
        self.extensionTypes = extensionTypes
        self.proposalTypes = proposalTypes
        self.credentialTypes = credentialTypes
    }

    public func encode(to writer: inout TLSWriter) {
        writer.writeVector(extensionTypes)
        writer.writeVector(proposalTypes)
        writer.writeVector(credentialTypes)
    }

    public init(from reader: inout TLSReader) throws {
        extensionTypes = try reader.readVector(of: UInt16.self)
        proposalTypes = try reader.readVector(of: UInt16.self)
        credentialTypes = try reader.readVector(of: UInt16.self)
    }
}
