/// A source description packet, SDES (RFC 3550 §6.5).
public struct RTCPSourceDescription: Sendable, Equatable {
    /// Items about one source.
    public struct Chunk: Sendable, Equatable {
        /// The source described.
        public var ssrc: UInt32
        /// Its items.
        public var items: [Item]

        /// A chunk about `ssrc`.
        public init(ssrc: UInt32, items: [Item]) {
            self.ssrc = ssrc
            self.items = items
        }
    }

    /// One SDES item: a type (1 = CNAME, 2 = NAME, ...) and at most 255 bytes of text.
    public struct Item: Sendable, Equatable {
        /// Item type (1 = CNAME).
        public var type: UInt8
        /// Item text, at most 255 bytes.
        public var value: [UInt8]

        /// An item; `value` is cut to 255 bytes.
        public init(type: UInt8, value: [UInt8]) {
            self.type = type
            self.value = Array(value.prefix(255))
        }

        /// The CNAME item type.
        public static let cnameType: UInt8 = 1

        /// A CNAME item (RFC 3550 §6.5.1).
        public static func cname(_ name: String) -> Item {
            Item(type: cnameType, value: Array(name.utf8))
        }
    }

    /// At most 31 chunks.
    public var chunks: [Chunk]

    /// An SDES of `chunks` (at most 31 kept).
    public init(chunks: [Chunk]) {
        self.chunks = Array(chunks.prefix(31))
    }

    /// An SDES packet carrying only the CNAME of `ssrc`, as every compound packet should.
    public init(ssrc: UInt32, cname: String) {
        self.init(chunks: [Chunk(ssrc: ssrc, items: [.cname(cname)])])
    }

    /// The CNAME of `ssrc`, if this packet carries one (invalid UTF-8 is repaired).
    public func cname(of ssrc: UInt32) -> String? {
        for chunk in chunks where chunk.ssrc == ssrc {
            if let item = chunk.items.first(where: { $0.type == Item.cnameType }) {
                return String(decoding: item.value, as: UTF8.self)
            }
        }
        return nil
    }

    init(parsingBody body: ArraySlice<UInt8>, chunkCount: Int) throws(MediaParseError) {
        var reader = ByteReader(body)
        var chunks: [Chunk] = []
        for _ in 0..<chunkCount {
            let ssrc = try reader.readUInt32()
            var items: [Item] = []
            var consumed = 0
            while true {
                let type = try reader.readUInt8()
                consumed += 1
                if type == 0 {
                    // The item list ends with a null octet, then padding to a word boundary.
                    let padding = (4 - consumed % 4) % 4
                    try reader.skip(min(padding, reader.remaining))
                    break
                }
                let length = Int(try reader.readUInt8())
                items.append(Item(type: type, value: try reader.readBytes(length)))
                consumed += 1 + length
            }
            chunks.append(Chunk(ssrc: ssrc, items: items))
        }
        self.chunks = chunks
    }

    func body() -> [UInt8] {
        var out: [UInt8] = []
        for chunk in chunks.prefix(31) {
            out.appendBigEndian(chunk.ssrc)
            var length = 0
            for item in chunk.items {
                out.append(item.type)
                out.append(UInt8(item.value.count))
                out.append(contentsOf: item.value)
                length += 2 + item.value.count
            }
            // At least one null octet, then up to the next word boundary.
            out.append(0)
            length += 1
            while length % 4 != 0 {
                out.append(0)
                length += 1
            }
        }
        return out
    }
}
