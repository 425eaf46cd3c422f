/// A value with a TLS presentation-language encoding.
public protocol TLSEncodable: Sendable {
    /// Appends this value's encoding to `writer`.
    func encode(to writer: inout TLSWriter)
}

/// A value that can be decoded from the TLS presentation language.
public protocol TLSDecodable: Sendable {
    /// Reads one value from `reader`, throwing on malformed input.
    init(from reader: inout TLSReader) throws
}

/// A value that is both encodable and decodable.
public typealias TLSCodable = TLSEncodable & TLSDecodable

extension TLSEncodable {
    /// This value's encoding.
    public var tlsSerialized: [UInt8] {
        var writer = TLSWriter()
        encode(to: &writer)
        return writer.bytes
    }
}

extension TLSDecodable {
    /// Decodes a value that must span all of `bytes`.
    public init(tlsSerialized bytes: [UInt8]) throws {
        var reader = TLSReader(bytes)
        self = try Self(from: &reader)
        try reader.finish()
    }
}

extension UInt8: TLSCodable {
    public func encode(to writer: inout TLSWriter) { writer.write(self) }
    public init(from reader: inout TLSReader) throws { self = try reader.readUInt8() }
}

extension UInt16: TLSCodable {
    public func encode(to writer: inout TLSWriter) { writer.write(self) }
    public init(from reader: inout TLSReader) throws { self = try reader.readUInt16() }
}

extension UInt32: TLSCodable {
    public func encode(to writer: inout TLSWriter) { writer.write(self) }
    public init(from reader: inout TLSReader) throws { self = try reader.readUInt32() }
}

extension UInt64: TLSCodable {
    public func encode(to writer: inout TLSWriter) { writer.write(self) }
    public init(from reader: inout TLSReader) throws { self = try reader.readUInt64() }
}

/// `opaque x<V>` as a standalone value, for vectors of byte strings.
public struct OpaqueBytes: TLSCodable, Hashable {
    /// The bytes.
    public var bytes: [UInt8]
    /// Wraps `bytes`.
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public func encode(to writer: inout TLSWriter) { writer.writeOpaque(bytes) }
    public init(from reader: inout TLSReader) throws { bytes = try reader.readOpaque() }
}
