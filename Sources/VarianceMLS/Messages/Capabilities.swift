/// `Capabilities` (RFC 9420 §7.2): what a client supports.
public struct Capabilities: TLSCodable, Hashable {
    /// Protocol versions.
    public var versions: [UInt16]
    /// Cipher suites.
    public var cipherSuites: [UInt16]
    /// Non-default extension types.
    public var extensions: [UInt16]
    /// Non-default proposal types.
    public var proposals: [UInt16]
    /// Credential types.
    public var credentials: [UInt16]

    /// Creates a capability set.
    public init(
        versions: [UInt16] = [1], cipherSuites: [UInt16] = [1], extensions: [UInt16] = [],
        proposals: [UInt16] = [], credentials: [UInt16] = [1]
    ) {
        self.versions = versions
        self.cipherSuites = cipherSuites
        self.extensions = extensions
        self.proposals = proposals
        self.credentials = credentials
    }

    public func encode(to writer: inout TLSWriter) {
        writer.writeVector(versions)
        writer.writeVector(cipherSuites)
        writer.writeVector(extensions)
        writer.writeVector(proposals)
        writer.writeVector(credentials)
    }

    public init(from reader: inout TLSReader) throws {
        versions = try reader.readVector(of: UInt16.self)
        cipherSuites = try reader.readVector(of: UInt16.self)
        extensions = try reader.readVector(of: UInt16.self)
        proposals = try reader.readVector(of: UInt16.self)
        credentials = try reader.readVector(of: UInt16.self)
    }
}

/// `Lifetime` (RFC 9420 §7.2): validity window in seconds since the Unix epoch.
public struct Lifetime: TLSCodable, Hashable {
    /// First second the key package is valid.
    public var notBefore: UInt64
    /// Last second the key package is valid.
    public var notAfter: UInt64

    /// Creates a lifetime.
    public init(notBefore: UInt64, notAfter: UInt64) {
        self.notBefore = notBefore
        self.notAfter = notAfter
    }

    /// Whether `now` lies within the window.
    public func contains(_ now: UInt64) -> Bool { notBefore <= now && now <= notAfter }

    public func encode(to writer: inout TLSWriter) {
        writer.write(notBefore)
        writer.write(notAfter)
    }

    public init(from reader: inout TLSReader) throws {
        notBefore = try reader.readUInt64()
        notAfter = try reader.readUInt64()
    }
}
