/// A goodbye packet, BYE (RFC 3550 §6.6).
public struct RTCPGoodbye: Sendable, Equatable {
    /// Sources leaving; at most 31.
    public var ssrcs: [UInt32]
    /// Optional reason for leaving, at most 255 bytes of UTF-8.
    public var reason: String?

    /// A BYE for `ssrcs` (at most 31 kept).
    public init(ssrcs: [UInt32], reason: String? = nil) {
        self.ssrcs = Array(ssrcs.prefix(31))
        self.reason = reason
    }

    init(parsingBody body: ArraySlice<UInt8>, sourceCount: Int) throws(MediaParseError) {
        var reader = ByteReader(body)
        var ssrcs: [UInt32] = []
        for _ in 0..<sourceCount { ssrcs.append(try reader.readUInt32()) }
        self.ssrcs = ssrcs
        if reader.remaining > 0 {
            let length = Int(try reader.readUInt8())
            reason = String(decoding: try reader.readBytes(length), as: UTF8.self)
        } else {
            reason = nil
        }
    }

    func body() -> [UInt8] {
        var out: [UInt8] = []
        for ssrc in ssrcs.prefix(31) { out.appendBigEndian(ssrc) }
        if let reason {
            let bytes = Array(reason.utf8.prefix(255))
            out.append(UInt8(bytes.count))
            out.append(contentsOf: bytes)
        }
        return out
    }
}
