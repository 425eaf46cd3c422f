/// The subset of SDP (RFC 8866) that a WebRTC call between us and a browser-style peer needs:
/// BUNDLE, rtcp-mux, ICE credentials and candidates, DTLS fingerprint and setup, codecs, SSRC.
/// Parsing keeps what it understands and skips the rest; it never traps on malformed input.
public struct SessionDescription: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable { case offer, answer }

    public var sessionID: UInt64
    public var sessionVersion: UInt64
    /// mids in the `a=group:BUNDLE` line, empty when there is none.
    public var bundle: [String]
    public var media: [MediaDescription]
    /// Session-level values; a media section's own values take precedence.
    public var iceUsernameFragment: String?
    public var icePassword: String?
    public var fingerprint: Fingerprint?
    public var setup: DtlsSetup?

    public init(
        sessionID: UInt64, sessionVersion: UInt64 = 1, bundle: [String] = [], media: [MediaDescription] = [],
        iceUsernameFragment: String? = nil, icePassword: String? = nil, fingerprint: Fingerprint? = nil,
        setup: DtlsSetup? = nil
    ) {
        self.sessionID = sessionID
        self.sessionVersion = sessionVersion
        self.bundle = bundle
        self.media = media
        self.iceUsernameFragment = iceUsernameFragment
        self.icePassword = icePassword
        self.fingerprint = fingerprint
        self.setup = setup
    }

    /// `a=fingerprint:<hash> <value>`.
    public struct Fingerprint: Sendable, Hashable {
        public var algorithm: String
        public var value: String
        public init(algorithm: String = "sha-256", value: String) {
            self.algorithm = algorithm
            self.value = value
        }
    }

    /// The transport parameters of the BUNDLE (the first bundled media section, or the first one).
    public var transport: TransportParameters? {
        let first = bundle.first.flatMap { mid in media.first { $0.mid == mid } } ?? media.first
        guard let first else { return nil }
        guard let ufrag = first.iceUsernameFragment ?? iceUsernameFragment,
            let pwd = first.icePassword ?? icePassword,
            let fingerprint = first.fingerprint ?? fingerprint
        else { return nil }
        return TransportParameters(
            iceUsernameFragment: ufrag, icePassword: pwd, fingerprint: fingerprint,
            setup: first.setup ?? setup ?? .actpass, candidates: first.candidates)
    }
}

/// One `m=` section.
public struct MediaDescription: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable { case audio, video, application }
    public enum Direction: String, Sendable, Hashable { case sendrecv, sendonly, recvonly, inactive }

    public var kind: Kind
    public var port: UInt16
    public var proto: String
    public var mid: String?
    public var codecs: [RtpCodec]
    public var direction: Direction
    public var rtcpMux: Bool
    public var iceUsernameFragment: String?
    public var icePassword: String?
    public var fingerprint: SessionDescription.Fingerprint?
    public var setup: DtlsSetup?
    public var candidates: [IceCandidate]
    public var endOfCandidates: Bool
    /// `a=ssrc:<ssrc> cname:<cname>`; other ssrc attributes are not kept.
    public var ssrc: UInt32?
    public var cname: String?

    public init(
        kind: Kind, port: UInt16 = 9, proto: String = "UDP/TLS/RTP/SAVPF", mid: String? = nil, codecs: [RtpCodec] = [],
        direction: Direction = .sendrecv, rtcpMux: Bool = true, iceUsernameFragment: String? = nil,
        icePassword: String? = nil, fingerprint: SessionDescription.Fingerprint? = nil, setup: DtlsSetup? = nil,
        candidates: [IceCandidate] = [], endOfCandidates: Bool = false, ssrc: UInt32? = nil, cname: String? = nil
    ) {
        self.kind = kind
        self.port = port
        self.proto = proto
        self.mid = mid
        self.codecs = codecs
        self.direction = direction
        self.rtcpMux = rtcpMux
        self.iceUsernameFragment = iceUsernameFragment
        self.icePassword = icePassword
        self.fingerprint = fingerprint
        self.setup = setup
        self.candidates = candidates
        self.endOfCandidates = endOfCandidates
        self.ssrc = ssrc
        self.cname = cname
    }
}

/// One payload type: `a=rtpmap` plus an optional `a=fmtp`.
public struct RtpCodec: Sendable, Hashable {
    public var payloadType: UInt8
    public var name: String
    public var clockRate: UInt32
    public var channels: UInt8?
    public var parameters: String?

    public init(payloadType: UInt8, name: String, clockRate: UInt32, channels: UInt8? = nil, parameters: String? = nil) {
        self.payloadType = payloadType
        self.name = name
        self.clockRate = clockRate
        self.channels = channels
        self.parameters = parameters
    }

    /// Opus as WebRTC signals it: `opus/48000/2`, payload 111.
    public static let opus = RtpCodec(
        payloadType: 111, name: "opus", clockRate: 48_000, channels: 2, parameters: "minptime=10;useinbandfec=1")
    /// VP8, payload 96.
    public static let vp8 = RtpCodec(payloadType: 96, name: "VP8", clockRate: 90_000)
}

/// What the media transport needs from the peer's description.
public struct TransportParameters: Sendable, Hashable {
    public var iceUsernameFragment: String
    public var icePassword: String
    public var fingerprint: SessionDescription.Fingerprint
    public var setup: DtlsSetup
    public var candidates: [IceCandidate]

    public init(
        iceUsernameFragment: String, icePassword: String, fingerprint: SessionDescription.Fingerprint,
        setup: DtlsSetup, candidates: [IceCandidate]
    ) {
        self.iceUsernameFragment = iceUsernameFragment
        self.icePassword = icePassword
        self.fingerprint = fingerprint
        self.setup = setup
        self.candidates = candidates
    }
}
