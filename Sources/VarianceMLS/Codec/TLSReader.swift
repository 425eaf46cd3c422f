/// Reads values in the TLS presentation language as profiled by RFC 9420 §2.1.
///
/// Every read is bounds-checked: truncated input, a non-minimal or reserved (`0b11`)
/// length header, or a vector running past its container throws ``MLSError``; nothing
/// traps. A nested vector is read through a child reader limited to the vector's bytes.
public struct TLSReader: Sendable {
    private let bytes: [UInt8]
    private var offset: Int
    private let end: Int

    /// Creates a reader over all of `bytes`.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.offset = 0
        self.end = bytes.count
    }

    private init(bytes: [UInt8], offset: Int, end: Int) {
        self.bytes = bytes
        self.offset = offset
        self.end = end
    }

    /// Whether every byte has been read.
    public var isAtEnd: Bool { offset == end }

    /// How many bytes remain.
    public var remaining: Int { end - offset }

    /// Throws unless every byte has been read.
    public func finish() throws {
        guard isAtEnd else { throw MLSError.malformed("trailing bytes after structure") }
    }

    /// Reads `count` bytes with no length header.
    public mutating func readRaw(count: Int) throws -> [UInt8] {
        guard count >= 0, count <= remaining else { throw MLSError.malformed("truncated input") }
        let result = Array(bytes[offset..<(offset + count)])
        offset += count
        return result
    }

    /// Reads one byte.
    public mutating func readUInt8() throws -> UInt8 {
        guard remaining >= 1 else { throw MLSError.malformed("truncated input") }
        defer { offset += 1 }
        return bytes[offset]
    }

    /// Reads a big-endian `uint16`.
    public mutating func readUInt16() throws -> UInt16 {
        UInt16(try readUnsigned(byteCount: 2))
    }

    /// Reads a big-endian `uint32`.
    public mutating func readUInt32() throws -> UInt32 {
        UInt32(try readUnsigned(byteCount: 4))
    }

    /// Reads a big-endian `uint64`.
    public mutating func readUInt64() throws -> UInt64 {
        try readUnsigned(byteCount: 8)
    }

    private mutating func readUnsigned(byteCount: Int) throws -> UInt64 {
        guard remaining >= byteCount else { throw MLSError.malformed("truncated input") }
        var value: UInt64 = 0
        for index in offset..<(offset + byteCount) { value = value << 8 | UInt64(bytes[index]) }
        offset += byteCount
        return value
    }

    /// Reads a variable-length vector length header (RFC 9420 §2.1.2).
    ///
    /// Rejects the reserved `0b11` prefix and encodings longer than necessary.
    public mutating func readLength() throws -> Int {
        let first = try readUInt8()
        let prefix = first >> 6
        var length = Int(first & 0x3F)
        switch prefix {
        case 0:
            return length
        case 1:
            length = length << 8 | Int(try readUInt8())
            guard length >= 64 else { throw MLSError.malformed("non-minimal vector length") }
        case 2:
            for _ in 0..<3 { length = length << 8 | Int(try readUInt8()) }
            guard length >= 16384 else { throw MLSError.malformed("non-minimal vector length") }
        default:
            throw MLSError.malformed("reserved vector length prefix")
        }
        return length
    }

    /// Reads `opaque x<V>`.
    public mutating func readOpaque() throws -> [UInt8] {
        let length = try readLength()
        return try readRaw(count: length)
    }

    /// Reads a variable-length vector and hands its bytes to `body` through a child reader,
    /// which must consume them exactly.
    public mutating func readVector<T>(_ body: (inout TLSReader) throws -> T) throws -> T {
        let length = try readLength()
        guard length <= remaining else { throw MLSError.malformed("vector runs past its container") }
        var child = TLSReader(bytes: bytes, offset: offset, end: offset + length)
        let value = try body(&child)
        try child.finish()
        offset += length
        return value
    }

    /// Reads a variable-length vector of decodable values.
    public mutating func readVector<T: TLSDecodable>(of type: T.Type) throws -> [T] {
        try readVector { child in
            var items: [T] = []
            while !child.isAtEnd { items.append(try T(from: &child)) }
            return items
        }
    }

    /// Reads `optional<T>`.
    public mutating func readOptional<T: TLSDecodable>(_ type: T.Type) throws -> T? {
        switch try readUInt8() {
        case 0: return nil
        case 1: return try T(from: &self)
        default: throw MLSError.malformed("invalid optional presence byte")
        }
    }

    /// Reads a decodable value.
    public mutating func read<T: TLSDecodable>(_ type: T.Type = T.self) throws -> T {
        try T(from: &self)
    }
}
