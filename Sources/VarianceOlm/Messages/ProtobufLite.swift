/// The small protobuf subset Olm messages use: varints and length-delimited fields.
package enum ProtobufLite {
    package static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    package static func appendBytes(tag: UInt64, _ bytes: [UInt8], to out: inout [UInt8]) {
        appendVarint(tag << 3 | 2, to: &out)
        appendVarint(UInt64(bytes.count), to: &out)
        out += bytes
    }

    package static func appendUInt(tag: UInt64, _ value: UInt64, to out: inout [UInt8]) {
        appendVarint(tag << 3, to: &out)
        appendVarint(value, to: &out)
    }

    /// A decoded field value.
    package enum Value {
        case varint(UInt64)
        case bytes(ArraySlice<UInt8>)
    }

    /// Reads every field of `data`; unknown fields (incl. 32/64-bit ones) are returned or skipped.
    package static func fields(_ data: ArraySlice<UInt8>) throws(OlmError) -> [(UInt64, Value)] {
        var out: [(UInt64, Value)] = []
        var i = data.startIndex
        func varint() throws(OlmError) -> UInt64 {
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard i < data.endIndex, shift < 64 else { throw .malformed("varint") }
                let b = data[i]
                i += 1
                result |= UInt64(b & 0x7f) << shift
                if b & 0x80 == 0 { return result }
                shift += 7
            }
        }
        while i < data.endIndex {
            let key = try varint()
            let tag = key >> 3
            switch key & 7 {
            case 0: out.append((tag, .varint(try varint())))
            case 2:
                let n = try varint()
                guard n <= UInt64(data.endIndex - i) else { throw .malformed("length") }
                out.append((tag, .bytes(data[i..<i + Int(n)])))
                i += Int(n)
            case 1:
                guard data.endIndex - i >= 8 else { throw .malformed("fixed64") }
                i += 8
            case 5:
                guard data.endIndex - i >= 4 else { throw .malformed("fixed32") }
                i += 4
            default: throw .malformed("wire type")
            }
        }
        return out
    }
}
