/// A bounds-checked cursor over one whole message; names may point back into it.
struct DNSReader {
    let bytes: [UInt8]
    private(set) var offset = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var remaining: Int { bytes.count - offset }

    mutating func u8() throws(DNSError) -> UInt8 {
        guard offset < bytes.count else { throw .truncated }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func u16() throws(DNSError) -> UInt16 {
        let high = try u8()
        return UInt16(high) << 8 | UInt16(try u8())
    }

    mutating func u32() throws(DNSError) -> UInt32 {
        let high = try u16()
        return UInt32(high) << 16 | UInt32(try u16())
    }

    mutating func take(_ count: Int) throws(DNSError) -> [UInt8] {
        guard count >= 0, count <= remaining else { throw .truncated }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    /// Reads a name at the cursor, following compression pointers (RFC 1035 §4.1.4).
    ///
    /// A pointer must point strictly before the pointer itself (so chains cannot loop), at
    /// most ``DNSLimits/maxPointerJumps`` are followed, and the expanded name must fit 255
    /// bytes. The cursor ends after the first pointer, or after the final zero byte.
    mutating func name() throws(DNSError) -> DNSName {
        var labels: [[UInt8]] = []
        var length = 1
        var position = offset
        var resumeAt: Int?
        var jumps = 0
        while true {
            guard position < bytes.count else { throw .truncated }
            let byte = bytes[position]
            switch byte & 0xC0 {
            case 0x00 where byte == 0:
                offset = resumeAt ?? position + 1
                return DNSName(validated: labels)
            case 0x00:
                let count = Int(byte)
                guard position + 1 + count <= bytes.count else { throw .truncated }
                length += 1 + count
                guard length <= DNSLimits.maxNameLength else { throw .nameTooLong }
                labels.append(Array(bytes[position + 1..<position + 1 + count]))
                position += 1 + count
            case 0xC0:
                guard position + 1 < bytes.count else { throw .truncated }
                let target = Int(byte & 0x3F) << 8 | Int(bytes[position + 1])
                jumps += 1
                guard target < position, jumps <= DNSLimits.maxPointerJumps else { throw .invalidPointer }
                if resumeAt == nil { resumeAt = position + 2 }
                position = target
            default:
                throw .invalidLabel
            }
        }
    }
}
