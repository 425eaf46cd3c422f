/// A compound RTCP packet: RTCP packets back to back in one datagram (RFC 3550 §6.1).
public struct RTCPCompoundPacket: Sendable, Equatable {
    /// The packets, in datagram order.
    public var packets: [RTCPPacket]

    /// A compound packet of `packets`; put an SR or RR first (RFC 3550 §6.1).
    public init(_ packets: [RTCPPacket]) {
        self.packets = packets
    }

    /// At most this many packets are read from one datagram; the rest is refused.
    public static let maximumPacketCount = 64

    /// Parses a compound packet from untrusted bytes. Padding is honoured on any packet;
    /// packets of unknown types are kept as `.other`. Refuses the whole datagram if any
    /// length is inconsistent.
    public init(parsing bytes: [UInt8]) throws(MediaParseError) {
        var reader = ByteReader(bytes)
        var packets: [RTCPPacket] = []
        guard !reader.isAtEnd else { throw .truncated }
        while !reader.isAtEnd {
            guard packets.count < Self.maximumPacketCount else { throw .inconsistent("too many RTCP packets in one datagram") }
            let first = try reader.readUInt8()
            let version = Int(first >> 6)
            guard version == 2 else { throw .unsupportedVersion(version) }
            let hasPadding = first & 0x20 != 0
            let count = first & 0x1F
            let packetType = try reader.readUInt8()
            let words = Int(try reader.readUInt16())
            var body = try reader.readBytes(words * 4)[...]
            if hasPadding {
                guard let padding = body.last, padding > 0, Int(padding) <= body.count else {
                    throw .inconsistent("RTCP padding count exceeds the packet")
                }
                body = body.dropLast(Int(padding))
            }
            packets.append(try RTCPPacket.parse(packetType: packetType, count: count, body: body))
        }
        self.packets = packets
    }

    /// The datagram's bytes.
    public func serialized() -> [UInt8] {
        packets.flatMap { $0.serialized() }
    }
}
