/// `GroupContext` (RFC 9420 §8.1): the group state every key derivation is bound to.
public struct GroupContext: TLSCodable, Hashable {
    /// Protocol version (1 = mls10).
    public var version: UInt16
    /// Cipher suite value.
    public var cipherSuite: UInt16
    /// Group identifier.
    public var groupID: [UInt8]
    /// Epoch number.
    public var epoch: UInt64
    /// Root tree hash of the ratchet tree.
    public var treeHash: [UInt8]
    /// Confirmed transcript hash.
    public var confirmedTranscriptHash: [UInt8]
    /// Group context extensions.
    public var extensions: [Extension]

    /// Creates a group context.
    public init(
        version: UInt16 = 1, cipherSuite: UInt16, groupID: [UInt8], epoch: UInt64, treeHash: [UInt8],
        confirmedTranscriptHash: [UInt8], extensions: [Extension] = []
    ) {
        self.version = version
        self.cipherSuite = cipherSuite
        self.groupID = groupID
        self.epoch = epoch
        self.treeHash = treeHash
        self.confirmedTranscriptHash = confirmedTranscriptHash
        self.extensions = extensions
    }

    public func encode(to writer: inout TLSWriter) {
        writer.write(version)
        writer.write(cipherSuite)
        writer.writeOpaque(groupID)
        writer.write(epoch)
        writer.writeOpaque(treeHash)
        writer.writeOpaque(confirmedTranscriptHash)
        writer.writeVector(extensions)
    }

    public init(from reader: inout TLSReader) throws {
        version = try reader.readUInt16()
        cipherSuite = try reader.readUInt16()
        groupID = try reader.readOpaque()
        epoch = try reader.readUInt64()
        treeHash = try reader.readOpaque()
        confirmedTranscriptHash = try reader.readOpaque()
        extensions = try reader.readVector(of: Extension.self)
    }
}
