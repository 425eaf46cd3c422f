/// A DNS message (RFC 1035 §4.1) as used by multicast DNS: header, questions and the three
/// record sections. Decode untrusted bytes with ``decode(_:)``; build outgoing messages and
/// ``encode()`` them.
public struct DNSMessage: Sendable, Hashable {
    /// The transaction ID (0 in mDNS, RFC 6762 §18.1).
    public var id: UInt16
    /// The flags word (QR, opcode, AA, TC, RD, RA, Z, RCODE).
    public var flags: UInt16
    /// The question section.
    public var questions: [DNSQuestion]
    /// The answer section.
    public var answers: [DNSResourceRecord]
    /// The authority section.
    public var authorities: [DNSResourceRecord]
    /// The additional section.
    public var additionals: [DNSResourceRecord]

    /// The QR bit: this message is a response.
    public static let responseFlag: UInt16 = 0x8000
    /// The AA bit: the answer is authoritative.
    public static let authoritativeFlag: UInt16 = 0x0400

    /// A message.
    public init(
        id: UInt16 = 0, flags: UInt16 = 0, questions: [DNSQuestion] = [], answers: [DNSResourceRecord] = [],
        authorities: [DNSResourceRecord] = [], additionals: [DNSResourceRecord] = []
    ) {
        self.id = id
        self.flags = flags
        self.questions = questions
        self.answers = answers
        self.authorities = authorities
        self.additionals = additionals
    }

    /// Whether the QR bit is set.
    public var isResponse: Bool { flags & Self.responseFlag != 0 }

    /// The opcode (0 is a standard query; mDNS ignores messages with any other).
    public var opcode: UInt8 { UInt8((flags >> 11) & 0x0F) }

    /// All records of the answer, authority and additional sections.
    public var allRecords: [DNSResourceRecord] { answers + authorities + additionals }
}
