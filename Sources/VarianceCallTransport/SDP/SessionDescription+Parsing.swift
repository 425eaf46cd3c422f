extension SessionDescription {
    /// Parses SDP text. Returns `nil` when there is no `v=0` line or no media section; unknown or
    /// malformed lines are skipped. Input beyond 64 KiB or 2,000 lines is refused.
    public init?(sdp text: String) {
        guard text.utf8.count <= 65_536 else { return nil }
        let lines = text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
        guard lines.count <= 2_000, lines.first.map({ $0.hasPrefix("v=0") }) == true else { return nil }
        var description = SessionDescription(sessionID: 0)
        var current: MediaDescription?
        var sectionCodecs: [UInt8: RtpCodec] = [:]
        var sectionOrder: [UInt8] = []

        func closeSection() {
            guard var section = current else { return }
            section.codecs = sectionOrder.compactMap { sectionCodecs[$0] }
            description.media.append(section)
            current = nil
        }

        for raw in lines {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            guard line.count >= 2, line[line.index(after: line.startIndex)] == "=" else { continue }
            let type = line.first!
            let value = line.dropFirst(2)
            switch type {
            case "o":
                let fields = value.split(separator: " ")
                if fields.count >= 3 {
                    description.sessionID = UInt64(fields[1]) ?? 0
                    description.sessionVersion = UInt64(fields[2]) ?? 0
                }
            case "m":
                closeSection()
                let fields = value.split(separator: " ")
                guard fields.count >= 3, let kind = MediaDescription.Kind(rawValue: String(fields[0])) else {
                    // An m-line we do not understand still starts a section; skip its attributes.
                    current = nil
                    sectionCodecs = [:]
                    sectionOrder = []
                    if description.media.count > 64 { return nil }
                    continue
                }
                let port = UInt16(fields[1].split(separator: "/").first ?? "") ?? 0
                current = MediaDescription(kind: kind, port: port, proto: String(fields[2]), rtcpMux: false)
                sectionCodecs = [:]
                sectionOrder = fields.dropFirst(3).compactMap { UInt8($0) }
                for payloadType in sectionOrder {
                    if let known = Self.staticPayloadTypes[payloadType] { sectionCodecs[payloadType] = known }
                }
            case "a":
                let (name, argument) = Self.splitAttribute(value)
                if current == nil {
                    description.applySessionAttribute(name: name, argument: argument)
                } else {
                    Self.apply(name: name, argument: argument, to: &current!, codecs: &sectionCodecs)
                }
            default:
                continue
            }
        }
        closeSection()
        guard !description.media.isEmpty else { return nil }
        self = description
    }

    static let staticPayloadTypes: [UInt8: RtpCodec] = [
        0: RtpCodec(payloadType: 0, name: "PCMU", clockRate: 8_000, channels: 1),
        8: RtpCodec(payloadType: 8, name: "PCMA", clockRate: 8_000, channels: 1),
    ]

    static func splitAttribute(_ value: Substring) -> (Substring, Substring?) {
        guard let colon = value.firstIndex(of: ":") else { return (value, nil) }
        return (value[..<colon], value[value.index(after: colon)...])
    }

    mutating func applySessionAttribute(name: Substring, argument: Substring?) {
        switch name {
        case "group":
            guard let argument else { return }
            let fields = argument.split(separator: " ")
            if fields.first == "BUNDLE" { bundle = fields.dropFirst().map(String.init) }
        case "ice-ufrag": iceUsernameFragment = argument.map(String.init)
        case "ice-pwd": icePassword = argument.map(String.init)
        case "fingerprint": fingerprint = Self.preferred(fingerprint, argument.flatMap(Self.parseFingerprint))
        case "setup": setup = argument.flatMap { DtlsSetup(rawValue: String($0)) }
        default: break
        }
    }

    static func parseFingerprint(_ text: Substring) -> Fingerprint? {
        let fields = text.split(separator: " ")
        guard fields.count == 2, fields[1].count <= 200 else { return nil }
        return Fingerprint(algorithm: fields[0].lowercased(), value: String(fields[1]))
    }

    /// Several fingerprints may be listed; we check sha-256, so it wins over the others.
    static func preferred(_ current: Fingerprint?, _ next: Fingerprint?) -> Fingerprint? {
        guard let current else { return next }
        guard let next else { return current }
        return current.algorithm == "sha-256" ? current : next
    }

    static func apply(
        name: Substring, argument: Substring?, to section: inout MediaDescription, codecs: inout [UInt8: RtpCodec]
    ) {
        switch name {
        case "mid": section.mid = argument.map(String.init)
        case "rtcp-mux": section.rtcpMux = true
        case "sendrecv", "sendonly", "recvonly", "inactive":
            section.direction = MediaDescription.Direction(rawValue: String(name)) ?? .sendrecv
        case "ice-ufrag": section.iceUsernameFragment = argument.map(String.init)
        case "ice-pwd": section.icePassword = argument.map(String.init)
        case "fingerprint": section.fingerprint = preferred(section.fingerprint, argument.flatMap(parseFingerprint))
        case "setup": section.setup = argument.flatMap { DtlsSetup(rawValue: String($0)) }
        case "end-of-candidates": section.endOfCandidates = true
        case "candidate":
            guard let argument, section.candidates.count < 64, let candidate = IceCandidate(sdp: argument) else { return }
            section.candidates.append(candidate)
        case "rtpmap":
            guard let argument else { return }
            let fields = argument.split(separator: " ", maxSplits: 1)
            guard fields.count == 2, let payloadType = UInt8(fields[0]), payloadType < 128 else { return }
            let parts = fields[1].split(separator: "/")
            guard parts.count >= 2, let clock = UInt32(parts[1]) else { return }
            let channels = parts.count >= 3 ? UInt8(parts[2]) : nil
            let previous = codecs[payloadType]?.parameters
            codecs[payloadType] = RtpCodec(
                payloadType: payloadType, name: String(parts[0]), clockRate: clock, channels: channels,
                parameters: previous)
        case "fmtp":
            guard let argument else { return }
            let fields = argument.split(separator: " ", maxSplits: 1)
            guard fields.count == 2, let payloadType = UInt8(fields[0]) else { return }
            codecs[payloadType]?.parameters = String(fields[1])
        case "ssrc":
            guard let argument else { return }
            let fields = argument.split(separator: " ", maxSplits: 1)
            guard let ssrc = UInt32(fields[0]) else { return }
            if section.ssrc == nil { section.ssrc = ssrc }
            if fields.count == 2, fields[1].hasPrefix("cname:"), section.ssrc == ssrc {
                section.cname = String(fields[1].dropFirst("cname:".count))
            }
        default: break
        }
    }
}
