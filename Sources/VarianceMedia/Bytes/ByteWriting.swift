extension Array where Element == UInt8 {
    mutating func appendBigEndian(_ value: UInt16) {
        append(UInt8(truncatingIfNeeded: value >> 8))
        append(UInt8(truncatingIfNeeded: value))
    }

    mutating func appendBigEndian24(_ value: UInt32) {
        append(UInt8(truncatingIfNeeded: value >> 16))
        append(UInt8(truncatingIfNeeded: value >> 8))
        append(UInt8(truncatingIfNeeded: value))
    }

    mutating func appendBigEndian(_ value: UInt32) {
        appendBigEndian(UInt16(truncatingIfNeeded: value >> 16))
        appendBigEndian(UInt16(truncatingIfNeeded: value))
    }

    mutating func appendBigEndian(_ value: UInt64) {
        appendBigEndian(UInt32(truncatingIfNeeded: value >> 32))
        appendBigEndian(UInt32(truncatingIfNeeded: value))
    }

    mutating func appendLittleEndian(_ value: UInt16) {
        append(UInt8(truncatingIfNeeded: value))
        append(UInt8(truncatingIfNeeded: value >> 8))
    }

    mutating func appendLittleEndian(_ value: UInt32) {
        appendLittleEndian(UInt16(truncatingIfNeeded: value))
        appendLittleEndian(UInt16(truncatingIfNeeded: value >> 16))
    }

    mutating func appendLittleEndian(_ value: UInt64) {
        appendLittleEndian(UInt32(truncatingIfNeeded: value))
        appendLittleEndian(UInt32(truncatingIfNeeded: value >> 32))
    }
}

extension ArraySlice where Element == UInt8 {
    /// Reads a little-endian integer at `offset` from the slice's start, or nil past the end.
    func littleEndianUInt16(at offset: Int) -> UInt16? {
        let index = startIndex + offset
        guard offset >= 0, index + 2 <= endIndex else { return nil }
        return UInt16(self[index]) | UInt16(self[index + 1]) << 8
    }

    func littleEndianUInt32(at offset: Int) -> UInt32? {
        guard let low = littleEndianUInt16(at: offset), let high = littleEndianUInt16(at: offset + 2) else { return nil }
        return UInt32(low) | UInt32(high) << 16
    }

    func littleEndianUInt64(at offset: Int) -> UInt64? {
        guard let low = littleEndianUInt32(at: offset), let high = littleEndianUInt32(at: offset + 4) else { return nil }
        return UInt64(low) | UInt64(high) << 32
    }
}
