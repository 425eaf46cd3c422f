/// Writes values in the TLS presentation language as profiled by RFC 9420 §2.1.
///
/// Variable-length vectors get a QUIC-style length header (1, 2 or 4 bytes, always the
/// shortest). A vector longer than 2^30 - 1 bytes cannot be expressed; writing one is a
/// programming error and traps. Decoding never traps (see ``TLSReader``).
public struct TLSWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8] = []

    /// Creates an empty writer.
    public init() {}

    /// The largest length a variable-size vector may have.
    public static let maximumVectorLength = (1 << 30) - 1

    /// Appends one byte.
    public mutating func write(_ value: UInt8) { bytes.append(value) }

    /// Appends a big-endian `uint16`.
    public mutating func write(_ value: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    /// Appends a big-endian `uint32`.
    public mutating func write(_ value: UInt32) {
        for shift in stride(from: 24, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift)))
        }
    }

    /// Appends a big-endian `uint64`.
    public mutating func write(_ value: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }

    /// Appends bytes with no length header (a fixed-size `opaque x[n]`).
    public mutating func writeRaw(_ raw: [UInt8]) { bytes.append(contentsOf: raw) }

    /// Appends a variable-length vector length header.
    public mutating func writeLength(_ length: Int) {
        precondition(length >= 0 && length <= Self.maximumVectorLength, "MLS vector too long to encode")
        if length < 64 {
            bytes.append(UInt8(length))
        } else if length < 16384 {
            write(UInt16(length) | 0x4000)
        } else {
            write(UInt32(length) | 0x8000_0000)
        }
    }

    /// Appends `opaque x<V>`.
    public mutating func writeOpaque(_ raw: [UInt8]) {
        writeLength(raw.count)
        bytes.append(contentsOf: raw)
    }

    /// Appends a variable-length vector whose body is written by `body`.
    ///
    /// The body is written in place after a one-byte header, which is widened afterwards if
    /// the body is 64 bytes or longer (one move of the body instead of a separate buffer per
    /// vector and a copy of it).
    public mutating func writeVector(_ body: (inout TLSWriter) -> Void) {
        let start = bytes.count
        bytes.append(0)
        body(&self)
        let length = bytes.count - start - 1
        precondition(length <= Self.maximumVectorLength, "MLS vector too long to encode")
        if length < 64 {
            bytes[start] = UInt8(length)
        } else if length < 16384 {
            let header = UInt16(length) | 0x4000
            bytes[start] = UInt8(truncatingIfNeeded: header >> 8)
            bytes.insert(UInt8(truncatingIfNeeded: header), at: start + 1)
        } else {
            let header = UInt32(length) | 0x8000_0000
            bytes[start] = UInt8(truncatingIfNeeded: header >> 24)
            bytes.insert(
                contentsOf: [
                    UInt8(truncatingIfNeeded: header >> 16), UInt8(truncatingIfNeeded: header >> 8),
                    UInt8(truncatingIfNeeded: header),
                ], at: start + 1)
        }
    }

    /// Appends a variable-length vector of encodable values.
    public mutating func writeVector<T: TLSEncodable>(_ items: [T]) {
        writeVector { writer in
            for item in items { item.encode(to: &writer) }
        }
    }

    /// Appends `optional<T>`: a presence byte, then the value if present.
    public mutating func writeOptional<T: TLSEncodable>(_ value: T?) {
        if let value {
            write(UInt8(1))
            value.encode(to: &self)
        } else {
            write(UInt8(0))
        }
    }

    /// Appends an encodable value.
    public mutating func write<T: TLSEncodable>(_ value: T) { value.encode(to: &self) }
}

extension TLSWriter {
    /// The encoding of `items` as a variable-length vector on its own (e.g. an extension body).
    public static func vector<T: TLSEncodable>(_ items: [T]) -> [UInt8] {
        var writer = TLSWriter()
        writer.writeVector(items)
        return writer.bytes
    }
}
