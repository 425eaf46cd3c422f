/// A cursor over untrusted bytes. Every read is bounds-checked and throws
/// `MediaParseError.truncated` instead of trapping.
struct ByteReader {
    private let bytes: ArraySlice<UInt8>
    private(set) var position: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.position = bytes.startIndex
    }

    init(_ bytes: [UInt8]) {
        self.init(bytes[...])
    }

    /// Bytes not read yet.
    var remaining: Int { bytes.endIndex - position }

    var isAtEnd: Bool { position >= bytes.endIndex }

    mutating func readUInt8() throws(MediaParseError) -> UInt8 {
        guard remaining >= 1 else { throw .truncated }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func readUInt16() throws(MediaParseError) -> UInt16 {
        let high = try readUInt8()
        let low = try readUInt8()
        return UInt16(high) << 8 | UInt16(low)
    }

    mutating func readUInt24() throws(MediaParseError) -> UInt32 {
        let high = try readUInt16()
        let low = try readUInt8()
        return UInt32(high) << 8 | UInt32(low)
    }

    mutating func readUInt32() throws(MediaParseError) -> UInt32 {
        let high = try readUInt16()
        let low = try readUInt16()
        return UInt32(high) << 16 | UInt32(low)
    }

    mutating func readUInt64() throws(MediaParseError) -> UInt64 {
        let high = try readUInt32()
        let low = try readUInt32()
        return UInt64(high) << 32 | UInt64(low)
    }

    mutating func readBytes(_ count: Int) throws(MediaParseError) -> [UInt8] {
        guard count >= 0, remaining >= count else { throw .truncated }
        defer { position += count }
        return Array(bytes[position..<position + count])
    }

    mutating func skip(_ count: Int) throws(MediaParseError) {
        guard count >= 0, remaining >= count else { throw .truncated }
        position += count
    }

    /// All bytes not read yet; the reader is at its end afterwards.
    mutating func readRest() -> [UInt8] {
        defer { position = bytes.endIndex }
        return Array(bytes[position...])
    }
}
