/// One ICE candidate as written in SDP (RFC 8839 §5.1):
///
///     candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type>
///               [raddr <address>] [rport <port>] *(<extension-name> <extension-value>)
///
/// Parsing never traps: anything that does not fit gives `nil`.
public struct IceCandidate: Sendable, Hashable, CustomStringConvertible {
    /// Candidate types (RFC 8445 §5.1.1).
    public enum Kind: String, Sendable, Hashable {
        case host
        case serverReflexive = "srflx"
        case peerReflexive = "prflx"
        case relayed = "relay"
    }

    public var foundation: String
    public var component: Int
    /// Lower-case transport token, `udp` for everything we use.
    public var transport: String
    public var priority: UInt32
    public var address: String
    public var port: UInt16
    public var kind: Kind
    public var relatedAddress: String?
    public var relatedPort: UInt16?
    /// Extension attributes we carry through unchanged (`generation 0`, `tcptype passive`, ...).
    public var extensions: [Extension]

    /// One `name value` pair after the standard fields.
    public struct Extension: Sendable, Hashable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(
        foundation: String, component: Int = 1, transport: String = "udp", priority: UInt32,
        address: String, port: UInt16, kind: Kind, relatedAddress: String? = nil, relatedPort: UInt16? = nil,
        extensions: [Extension] = []
    ) {
        self.foundation = foundation
        self.component = component
        self.transport = transport
        self.priority = priority
        self.address = address
        self.port = port
        self.kind = kind
        self.relatedAddress = relatedAddress
        self.relatedPort = relatedPort
        self.extensions = extensions
    }

    /// Parses `candidate:...`, `a=candidate:...` or the bare fields.
    public init?(sdp text: some StringProtocol) {
        var line = Substring(text)
        while let last = line.last, last.isNewline || last == " " { line = line.dropLast() }
        if line.hasPrefix("a=") { line = line.dropFirst(2) }
        if line.hasPrefix("candidate:") { line = line.dropFirst("candidate:".count) }
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count >= 8, fields[6] == "typ" else { return nil }
        guard fields[0].count <= 32, !fields[0].isEmpty,
            let component = Int(fields[1]), (1...256).contains(component),
            let priority = UInt32(fields[3]),
            let port = UInt16(fields[5]),
            let kind = Kind(rawValue: String(fields[7]))
        else { return nil }
        let address = String(fields[4])
        guard !address.isEmpty, address.count <= 255 else { return nil }
        var relatedAddress: String?
        var relatedPort: UInt16?
        var extensions: [Extension] = []
        var index = 8
        while index + 1 < fields.count {
            let name = fields[index]
            let value = fields[index + 1]
            switch name {
            case "raddr": relatedAddress = String(value)
            case "rport":
                guard let parsed = UInt16(value) else { return nil }
                relatedPort = parsed
            default: extensions.append(Extension(name: String(name), value: String(value)))
            }
            index += 2
        }
        self.init(
            foundation: String(fields[0]), component: component, transport: fields[2].lowercased(),
            priority: priority, address: address, port: port, kind: kind,
            relatedAddress: relatedAddress, relatedPort: relatedPort, extensions: extensions)
    }

    /// The attribute value, `candidate:...` (no `a=` prefix).
    public var sdpAttribute: String {
        var text = "candidate:\(foundation) \(component) \(transport) \(priority) \(address) \(port) typ \(kind.rawValue)"
        if let relatedAddress { text += " raddr \(relatedAddress)" }
        if let relatedPort { text += " rport \(relatedPort)" }
        for item in extensions { text += " \(item.name) \(item.value)" }
        return text
    }

    public var description: String { sdpAttribute }
}
