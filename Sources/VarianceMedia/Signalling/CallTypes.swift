import VarianceProtos

/// Which end of a call this machine is.
public enum CallRole: Sendable, Equatable {
    case caller
    case callee
}

/// Why a call ended.
public enum CallEndReason: Sendable, Equatable {
    /// One side hung up (or the caller cancelled before an answer).
    case hungUp
    /// The callee declined.
    case rejected
    /// The callee was in another call.
    case busy
    /// Nobody answered within the ringing timeout.
    case noAnswer
    /// No media path could be found, or it broke.
    case iceFailed
    /// The peer stopped sending media without hanging up.
    case peerGone
    /// Our media process (`variance-media`) exited or misbehaved during the call.
    case mediaProcessExited
}

/// Which side of the DTLS handshake a party takes. As with SDP offer/answer (RFC 5763 §5,
/// the answerer picks `setup:active`), the callee connects and the caller accepts.
public enum DTLSRole: Sendable, Equatable {
    case client
    case server
}

/// Where a call is.
public enum CallState: Sendable, Equatable {
    /// Created, nothing sent or received yet.
    case idle
    /// The offer is out (caller) or in (callee); waiting for the callee to decide.
    case ringing
    /// Accepted; ICE and DTLS are finding and securing a media path.
    case connecting
    /// Media flows.
    case active
    case ended(CallEndReason)

    /// Whether the call is over.
    public var isEnded: Bool {
        if case .ended = self { return true }
        return false
    }
}

/// What one side declares about its end of the media path, carried in offer and answer.
public struct CallSessionDescription: Sendable, Equatable {
    /// SHA-256 fingerprint of the side's DTLS certificate (32 bytes).
    public var dtlsFingerprintSHA256: [UInt8]
    /// ICE ufrag (RFC 8445 §5.3), at least 4 characters.
    public var iceUsernameFragment: String
    /// ICE pwd, at least 22 characters.
    public var icePassword: String
    /// Media description (SDP).
    public var sdp: String
    /// Whether video is offered or accepted.
    public var video: Bool

    /// A description of one side's transport and media.
    public init(dtlsFingerprintSHA256: [UInt8], iceUsernameFragment: String, icePassword: String, sdp: String, video: Bool) {
        self.dtlsFingerprintSHA256 = dtlsFingerprintSHA256
        self.iceUsernameFragment = iceUsernameFragment
        self.icePassword = icePassword
        self.sdp = sdp
        self.video = video
    }
}

/// One trickled ICE candidate (RFC 8838).
public struct ICECandidate: Sendable, Equatable {
    /// The candidate attribute value.
    public var candidate: String
    /// Media stream identification.
    public var sdpMid: String
    /// Index of the media section.
    public var sdpMLineIndex: UInt32
    /// No more candidates follow from this side.
    public var endOfCandidates: Bool

    /// A candidate for the first media section.
    public init(candidate: String, sdpMid: String = "0", sdpMLineIndex: UInt32 = 0, endOfCandidates: Bool = false) {
        self.candidate = candidate
        self.sdpMid = sdpMid
        self.sdpMLineIndex = sdpMLineIndex
        self.endOfCandidates = endOfCandidates
    }
}

/// An input to `CallStateMachine`.
public enum CallEvent: Sendable, Equatable {
    /// The user places the call (caller only).
    case localStart(CallSessionDescription)
    /// The user accepts the ringing call (callee only).
    case localAccept(CallSessionDescription)
    /// The user declines the ringing call (callee only).
    case localReject
    /// The user hangs up, or cancels an unanswered call.
    case localHangup
    /// The local ICE agent found a candidate to trickle to the peer.
    case localCandidate(ICECandidate)
    /// A verified signalling message from the peer.
    case remoteSignal(Variance_CallSignal)
    case iceConnected
    case iceFailed
    /// Media arrived from the peer (keeps the call alive).
    case mediaReceived
    /// The transport saw the peer go away (DTLS close alert, ICE consent expiry).
    case peerGone
    /// Our media process exited while the call was connecting or active.
    case mediaProcessExited
    /// Time passed; timeouts are checked.
    case tick
}

/// An output of `CallStateMachine` for the I/O shell to carry out, in order.
public enum CallAction: Sendable, Equatable {
    /// Sign and send this message to the peer.
    case send(Variance_CallSignal)
    /// Tell the user (and the rest of the engine) the call is now in this state.
    case stateChanged(CallState)
    /// Start ICE and DTLS towards the peer's declared transport, in the machine's
    /// `dtlsRole`, and check the peer's DTLS certificate against its fingerprint.
    case startTransport(remote: CallSessionDescription)
    /// Give this candidate of the peer's to the ICE agent.
    case addRemoteCandidate(ICECandidate)
}
