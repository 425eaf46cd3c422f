/// `Extension` (RFC 9420 §7.2, §13.4): a type and opaque data.
public struct Extension: TLSCodable, Hashable {
    /// The extension type (see ``ExtensionType``).
    public var extensionType: UInt16
    /// The extension's encoded body.
    public var extensionData: [UInt8]

    /// Creates an extension.
    public init(extensionType: UInt16, extensionData: [UInt8]) {
        self.extensionType = extensionType
        self.extensionData = extensionData
    }

    public func encode(to writer: inout TLSWriter) {
        writer.write(extensionType)
        writer.writeOpaque(extensionData)
    }

    public init(from reader: inout TLSReader) throws {
        extensionType = try reader.readUInt16()
        extensionData = try reader.readOpaque()
    }
}

/// Extension type values from the IANA registry (RFC 9420 §17.3).
public enum ExtensionType {
    /// `application_id`.
    public static let applicationID: UInt16 = 1
    /// `ratchet_tree`.
    public static let ratchetTree: UInt16 = 2
    /// `required_capabilities`.
    public static let requiredCapabilities: UInt16 = 3
    /// `external_pub`.
    public static let externalPub: UInt16 = 4
    /// `external_senders`.
    public static let externalSenders: UInt16 = 5
}

extension Array where Element == Extension {
    /// The data of the first extension of `type`, if any.
    func data(ofType type: UInt16) -> [UInt8]? {
        first { $0.extensionType == type }?.extensionData
    }

    /// Throws if two extensions share a type (RFC 9420 §13.4).
    func checkUniqueTypes() throws {
        var seen = Set<UInt16>()
        for item in self where !seen.insert(item.extensionType).inserted {
            throw MLSError.invalid("duplicate extension type")
        }
    }
}
