extension SessionDescription {
    /// SDP text with CRLF line ends. ICE and DTLS attributes go into every media section; the
    /// candidates only into the first, since BUNDLE puts everything on its transport.
    public var sdp: String {
        var lines = [
            "v=0",
            "o=- \(sessionID) \(sessionVersion) IN IP4 0.0.0.0",
            "s=-",
            "t=0 0",
        ]
        if !bundle.isEmpty { lines.append("a=group:BUNDLE " + bundle.joined(separator: " ")) }
        lines.append("a=msid-semantic:WMS *")
        for (index, section) in media.enumerated() {
            let payloads = section.codecs.map { String($0.payloadType) }.joined(separator: " ")
            lines.append("m=\(section.kind.rawValue) \(section.port) \(section.proto) \(payloads)")
            lines.append("c=IN IP4 0.0.0.0")
            if let mid = section.mid { lines.append("a=mid:\(mid)") }
            lines.append("a=\(section.direction.rawValue)")
            if section.rtcpMux { lines.append("a=rtcp-mux") }
            for codec in section.codecs {
                var map = "a=rtpmap:\(codec.payloadType) \(codec.name)/\(codec.clockRate)"
                if let channels = codec.channels { map += "/\(channels)" }
                lines.append(map)
                if let parameters = codec.parameters { lines.append("a=fmtp:\(codec.payloadType) \(parameters)") }
            }
            if let ufrag = section.iceUsernameFragment ?? iceUsernameFragment { lines.append("a=ice-ufrag:\(ufrag)") }
            if let pwd = section.icePassword ?? icePassword { lines.append("a=ice-pwd:\(pwd)") }
            if let fingerprint = section.fingerprint ?? fingerprint {
                lines.append("a=fingerprint:\(fingerprint.algorithm) \(fingerprint.value)")
            }
            if let setup = section.setup ?? setup { lines.append("a=setup:\(setup.rawValue)") }
            if let ssrc = section.ssrc, let cname = section.cname { lines.append("a=ssrc:\(ssrc) cname:\(cname)") }
            if index == 0 || !bundle.contains(section.mid ?? "") {
                for candidate in section.candidates { lines.append("a=" + candidate.sdpAttribute) }
                if section.endOfCandidates { lines.append("a=end-of-candidates") }
            }
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// A complete (non-trickle) description of one call: audio (Opus) and optionally video (VP8),
    /// bundled on one transport with rtcp-mux.
    public static func call(
        sessionID: UInt64, transport: TransportParameters, audioSSRC: UInt32, videoSSRC: UInt32? = nil,
        cname: String, audioMid: String = "0", videoMid: String = "1"
    ) -> SessionDescription {
        var media = [
            MediaDescription(
                kind: .audio, mid: audioMid, codecs: [.opus], candidates: transport.candidates,
                endOfCandidates: true, ssrc: audioSSRC, cname: cname)
        ]
        if let videoSSRC {
            media.append(MediaDescription(kind: .video, mid: videoMid, codecs: [.vp8], ssrc: videoSSRC, cname: cname))
        }
        return SessionDescription(
            sessionID: sessionID, bundle: media.compactMap(\.mid), media: media,
            iceUsernameFragment: transport.iceUsernameFragment, icePassword: transport.icePassword,
            fingerprint: transport.fingerprint, setup: transport.setup)
    }
}
