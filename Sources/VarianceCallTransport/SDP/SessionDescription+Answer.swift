extension SessionDescription {
    /// Our answer to a peer's offer (RFC 8829 §5.3 in miniature): each audio section accepts Opus
    /// and each video section VP8 with the offer's payload type; anything else is rejected with
    /// port 0. The accepted sections are bundled on our one transport. `nil` when the offer has no
    /// Opus audio section or is not bundled with rtcp-mux.
    public static func answer(
        to offer: SessionDescription, sessionID: UInt64, transport: TransportParameters, audioSSRC: UInt32,
        videoSSRC: UInt32? = nil, cname: String
    ) -> SessionDescription? {
        var media: [MediaDescription] = []
        var accepted: [String] = []
        var first = true
        for offered in offer.media {
            let wanted: (name: String, clock: UInt32)? =
                switch offered.kind {
                case .audio: ("opus", 48_000)
                case .video where videoSSRC != nil: ("VP8", 90_000)
                default: nil
                }
            let codec = wanted.flatMap { wanted in
                offered.codecs.first { $0.name.lowercased() == wanted.name.lowercased() && $0.clockRate == wanted.clock }
            }
            guard let codec, let mid = offered.mid, offered.rtcpMux, offered.port != 0 else {
                media.append(MediaDescription(kind: offered.kind, port: 0, proto: offered.proto, mid: offered.mid,
                    codecs: offered.codecs.prefix(1).map { $0 }, direction: .inactive, rtcpMux: false))
                continue
            }
            let direction: MediaDescription.Direction =
                switch offered.direction {
                case .sendrecv: .sendrecv
                case .sendonly: .recvonly
                case .recvonly: .sendonly
                case .inactive: .inactive
                }
            media.append(MediaDescription(
                kind: offered.kind, mid: mid, codecs: [codec], direction: direction,
                candidates: first ? transport.candidates : [], endOfCandidates: first,
                ssrc: offered.kind == .audio ? audioSSRC : videoSSRC, cname: cname))
            accepted.append(mid)
            first = false
        }
        guard media.contains(where: { $0.kind == .audio && $0.port != 0 }) else { return nil }
        return SessionDescription(
            sessionID: sessionID, bundle: accepted, media: media,
            iceUsernameFragment: transport.iceUsernameFragment, icePassword: transport.icePassword,
            fingerprint: transport.fingerprint, setup: transport.setup)
    }
}
