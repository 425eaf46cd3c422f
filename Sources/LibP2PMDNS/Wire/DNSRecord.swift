/// Record type numbers used here (RFC 1035 §3.2.2, RFC 3596, RFC 2782).
public enum DNSRecordType {
    /// IPv4 address.
    public static let a: UInt16 = 1
    /// Domain name pointer.
    public static let ptr: UInt16 = 12
    /// Text strings.
    public static let txt: UInt16 = 16
    /// IPv6 address.
    public static let aaaa: UInt16 = 28
    /// Service location.
    public static let srv: UInt16 = 33
    /// Any type (queries only).
    public static let any: UInt16 = 255
}

/// Class `IN` (RFC 1035 §3.2.4).
public let dnsClassIN: UInt16 = 1

/// One entry of the question section.
public struct DNSQuestion: Sendable, Hashable {
    /// The name asked about.
    public var name: DNSName
    /// The record type asked for.
    public var type: UInt16
    /// The class, without the mDNS unicast-response bit.
    public var recordClass: UInt16
    /// The mDNS "QU" bit (top bit of the class field, RFC 6762 §5.4).
    public var unicastResponse: Bool

    /// A question.
    public init(name: DNSName, type: UInt16, recordClass: UInt16 = dnsClassIN, unicastResponse: Bool = false) {
        self.name = name
        self.type = type
        self.recordClass = recordClass & 0x7FFF
        self.unicastResponse = unicastResponse
    }
}

/// The data of a resource record, decoded for the types mDNS discovery uses.
public enum DNSRecordData: Sendable, Hashable {
    /// `A`: 4 address bytes.
    case a([UInt8])
    /// `AAAA`: 16 address bytes.
    case aaaa([UInt8])
    /// `PTR`: the name pointed to.
    case ptr(DNSName)
    /// `TXT`: character-strings of 0…255 bytes each.
    case txt([[UInt8]])
    /// `SRV` (RFC 2782).
    case srv(priority: UInt16, weight: UInt16, port: UInt16, target: DNSName)
    /// Any other type, kept as opaque bytes (compression pointers inside are not resolved).
    case other(type: UInt16, bytes: [UInt8])

    /// The type number.
    public var type: UInt16 {
        switch self {
        case .a: DNSRecordType.a
        case .aaaa: DNSRecordType.aaaa
        case .ptr: DNSRecordType.ptr
        case .txt: DNSRecordType.txt
        case .srv: DNSRecordType.srv
        case .other(let type, _): type
        }
    }
}

/// One resource record (answer, authority or additional section).
public struct DNSResourceRecord: Sendable, Hashable {
    /// The owner name.
    public var name: DNSName
    /// The class, without the mDNS cache-flush bit.
    public var recordClass: UInt16
    /// The mDNS cache-flush bit (top bit of the class field, RFC 6762 §10.2).
    public var cacheFlush: Bool
    /// Time to live in seconds (0 is an mDNS "goodbye").
    public var ttl: UInt32
    /// The typed data.
    public var data: DNSRecordData

    /// A record.
    public init(
        name: DNSName, ttl: UInt32, data: DNSRecordData, recordClass: UInt16 = dnsClassIN, cacheFlush: Bool = false
    ) {
        self.name = name
        self.recordClass = recordClass & 0x7FFF
        self.cacheFlush = cacheFlush
        self.ttl = ttl
        self.data = data
    }
}
