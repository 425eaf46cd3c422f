/// One RTCP packet of a compound packet (RFC 3550 §6, RFC 4585 §6).
///
/// Every RTCP packet starts with the same header:
/// ```
/// |V=2|P|  count  |      PT       |     length (words - 1)        |
/// ```
public enum RTCPPacket: Sendable, Equatable {
    case senderReport(RTCPSenderReport)
    case receiverReport(RTCPReceiverReport)
    case sourceDescription(RTCPSourceDescription)
    case goodbye(RTCPGoodbye)
    case pictureLossIndication(RTCPPictureLossIndication)
    /// A well-formed packet of a type this parser does not interpret (APP, XR, other feedback).
    case other(packetType: UInt8, count: UInt8, body: [UInt8])

    /// RTCP packet types (RFC 3550 §12.1, RFC 4585 §6.1).
    public enum PacketType {
        /// SR.
        public static let senderReport: UInt8 = 200
        /// RR.
        public static let receiverReport: UInt8 = 201
        /// SDES.
        public static let sourceDescription: UInt8 = 202
        /// BYE.
        public static let goodbye: UInt8 = 203
        /// APP.
        public static let application: UInt8 = 204
        /// RTPFB (RFC 4585), e.g. generic NACK.
        public static let transportFeedback: UInt8 = 205
        /// PSFB (RFC 4585), e.g. PLI.
        public static let payloadFeedback: UInt8 = 206
    }

    /// Whether a packet whose second byte is `byte` is RTCP rather than RTP when both share
    /// a port (RFC 5761 §4: RTCP packet types 192...223).
    public static func looksLikeRTCP(secondByte byte: UInt8) -> Bool {
        (192...223).contains(byte)
    }

    /// The packet's wire bytes, including its header; the body is padded to whole words.
    public func serialized() -> [UInt8] {
        let (type, count, body): (UInt8, UInt8, [UInt8])
        switch self {
        case .senderReport(let report): (type, count, body) = (PacketType.senderReport, UInt8(report.reportBlocks.count), report.body())
        case .receiverReport(let report): (type, count, body) = (PacketType.receiverReport, UInt8(report.reportBlocks.count), report.body())
        case .sourceDescription(let sdes): (type, count, body) = (PacketType.sourceDescription, UInt8(sdes.chunks.count), sdes.body())
        case .goodbye(let bye): (type, count, body) = (PacketType.goodbye, UInt8(bye.ssrcs.count), bye.body())
        case .pictureLossIndication(let pli): (type, count, body) = (PacketType.payloadFeedback, RTCPPictureLossIndication.format, pli.body())
        case .other(let packetType, let otherCount, let otherBody): (type, count, body) = (packetType, otherCount & 0x1F, otherBody)
        }
        var padded = body
        while padded.count % 4 != 0 { padded.append(0) }
        var out: [UInt8] = []
        out.reserveCapacity(4 + padded.count)
        out.append(2 << 6 | (count & 0x1F))
        out.append(type)
        out.appendBigEndian(UInt16(truncatingIfNeeded: padded.count / 4))
        out.append(contentsOf: padded)
        return out
    }

    /// Parses one packet's body, given its header fields.
    static func parse(packetType: UInt8, count: UInt8, body: ArraySlice<UInt8>) throws(MediaParseError) -> RTCPPacket {
        switch packetType {
        case PacketType.senderReport:
            return .senderReport(try RTCPSenderReport(parsingBody: body, reportCount: Int(count)))
        case PacketType.receiverReport:
            return .receiverReport(try RTCPReceiverReport(parsingBody: body, reportCount: Int(count)))
        case PacketType.sourceDescription:
            return .sourceDescription(try RTCPSourceDescription(parsingBody: body, chunkCount: Int(count)))
        case PacketType.goodbye:
            return .goodbye(try RTCPGoodbye(parsingBody: body, sourceCount: Int(count)))
        case PacketType.payloadFeedback where count == RTCPPictureLossIndication.format:
            return .pictureLossIndication(try RTCPPictureLossIndication(parsingBody: body))
        default:
            return .other(packetType: packetType, count: count, body: Array(body))
        }
    }
}
