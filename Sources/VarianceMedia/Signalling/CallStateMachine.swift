import VarianceProtos
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The signalling state of one call, on one side: a pure value. Events and the current time
/// go in; messages to send, transport commands and state changes come out. It never reads a
/// clock, opens a socket or signs anything.
///
/// ```
///                 caller: localStart (sends offer)
///   idle ─────────────────────────────────────────────▶ ringing
///     └───────────────────────────────────────────────▶ ringing
///                 callee: remote offer
///
///   ringing ── caller: remote answer ──────────────────▶ connecting
///           ── callee: localAccept (sends answer) ─────▶ connecting
///   connecting ── ICE connected ───────────────────────▶ active
///
///   ringing    ── reject ─────────────▶ ended(rejected)
///              ── busy ───────────────▶ ended(busy)
///              ── 45 s without answer ▶ ended(noAnswer)
///   any live   ── hangup (either side) ▶ ended(hungUp)
///   connecting ── ICE failed, or 30 s ─▶ ended(iceFailed)
///   active     ── ICE failed ─────────▶ ended(iceFailed)
///   active     ── peer gone, or no media for 30 s ─▶ ended(peerGone)
///   connecting, active ── our media process exited ─▶ ended(mediaProcessExited)
/// ```
///
/// Signals for another call ID, or that make no sense in the current state, are ignored.
/// Remote candidates that arrive before the transport starts are held (at most
/// `maximumHeldCandidates`) and handed out with `startTransport`.
public struct CallStateMachine: Sendable {
    /// How long each waiting state may last.
    public struct Timeouts: Sendable, Equatable {
        /// How long the call rings before it ends as `noAnswer`.
        public var ringing: Duration
        /// How long ICE and DTLS may take before the call ends as `iceFailed`.
        public var connecting: Duration
        /// How long an active call may go without media before it ends as `peerGone`.
        public var media: Duration

        /// Defaults: ring 45 s, connect 30 s, media silence 30 s.
        public init(ringing: Duration = .seconds(45), connecting: Duration = .seconds(30), media: Duration = .seconds(30)) {
            self.ringing = ringing
            self.connecting = connecting
            self.media = media
        }
    }

    /// Remote candidates held before the transport starts; more are dropped.
    public static let maximumHeldCandidates = 64

    /// The call's identifier, chosen by the caller.
    public let callID: [UInt8]
    /// Which end of the call this is.
    public let role: CallRole
    /// The timeouts in force.
    public let timeouts: Timeouts
    /// The current state.
    public private(set) var state: CallState = .idle
    /// The peer's declared transport, once known.
    public private(set) var remoteDescription: CallSessionDescription?
    /// Since when the current state has held (for the timeouts).
    private var stateSince: Duration = .zero
    private var lastMedia: Duration = .zero
    private var heldCandidates: [ICECandidate] = []
    private var transportStarted = false

    /// The DTLS side this end takes: the callee is the client, the caller the server.
    public var dtlsRole: DTLSRole { role == .callee ? .client : .server }

    /// A machine in `idle`: a caller then takes `localStart`, a callee the remote offer.
    public init(callID: [UInt8], role: CallRole, timeouts: Timeouts = Timeouts()) {
        self.callID = callID
        self.role = role
        self.timeouts = timeouts
    }

    /// Applies one event at time `now` (any monotonic origin, the same for every call).
    public mutating func handle(_ event: CallEvent, now: Duration) -> [CallAction] {
        switch (event, state) {
        case (_, .ended):
            return []

        case (.localStart(let local), .idle) where role == .caller:
            return [.send(.offer(callID: callID, local))] + enter(.ringing, now: now)

        case (.remoteSignal(let signal), _):
            guard Array(signal.callID) == callID, let body = signal.body else { return [] }
            return handleRemote(body, now: now)

        case (.localAccept(let local), .ringing) where role == .callee:
            guard let remote = remoteDescription else { return [] }
            return [.send(.answer(callID: callID, local))] + enter(.connecting, now: now) + startTransport(remote)

        case (.localReject, .ringing) where role == .callee:
            return [.send(.make(callID: callID, .reject(Variance_CallReject())))] + enter(.ended(.rejected), now: now)

        case (.localHangup, .ringing), (.localHangup, .connecting), (.localHangup, .active):
            return [.send(.hangup(callID: callID, .hungUp))] + enter(.ended(.hungUp), now: now)

        case (.localHangup, .idle):
            return enter(.ended(.hungUp), now: now)

        case (.localCandidate(let candidate), .ringing) where role == .caller,
            (.localCandidate(let candidate), .connecting), (.localCandidate(let candidate), .active):
            return [.send(.make(callID: callID, .candidate(candidate.message)))]

        case (.iceConnected, .connecting):
            lastMedia = now
            return enter(.active, now: now)

        case (.iceFailed, .connecting), (.iceFailed, .active):
            return [.send(.hangup(callID: callID, .iceFailed))] + enter(.ended(.iceFailed), now: now)

        case (.mediaReceived, .active):
            lastMedia = now
            return []

        case (.peerGone, .connecting), (.peerGone, .active):
            return [.send(.hangup(callID: callID, .peerGone))] + enter(.ended(.peerGone), now: now)

        case (.mediaProcessExited, .ringing), (.mediaProcessExited, .connecting), (.mediaProcessExited, .active):
            // To the peer, our side is gone.
            return [.send(.hangup(callID: callID, .peerGone))] + enter(.ended(.mediaProcessExited), now: now)

        case (.tick, _):
            return checkTimeouts(now: now)

        default:
            return []
        }
    }

    private mutating func handleRemote(_ body: Variance_CallSignal.OneOf_Body, now: Duration) -> [CallAction] {
        switch (body, state, role) {
        case (.offer(let offer), .idle, .callee):
            let remote = CallSessionDescription(offer.transport, sdp: offer.sdp, video: offer.video)
            guard remote.isUsable else { return [] }
            remoteDescription = remote
            return enter(.ringing, now: now)

        case (.answer(let answer), .ringing, .caller):
            let remote = CallSessionDescription(answer.transport, sdp: answer.sdp, video: answer.video)
            guard remote.isUsable else { return [] }
            remoteDescription = remote
            return enter(.connecting, now: now) + startTransport(remote)

        case (.reject, .ringing, .caller):
            return enter(.ended(.rejected), now: now)

        case (.busy, .ringing, .caller):
            return enter(.ended(.busy), now: now)

        case (.hangup(let hangup), .ringing, _), (.hangup(let hangup), .connecting, _), (.hangup(let hangup), .active, _):
            let reason: CallEndReason =
                switch hangup.reason {
                case .noAnswer: .noAnswer
                case .iceFailed: .iceFailed
                case .peerGone: .peerGone
                default: .hungUp
                }
            return enter(.ended(reason), now: now)

        case (.candidate(let message), .ringing, _), (.candidate(let message), .connecting, _),
            (.candidate(let message), .active, _):
            let candidate = ICECandidate(message)
            if transportStarted { return [.addRemoteCandidate(candidate)] }
            if heldCandidates.count < Self.maximumHeldCandidates { heldCandidates.append(candidate) }
            return []

        default:
            return []
        }
    }

    private mutating func checkTimeouts(now: Duration) -> [CallAction] {
        let elapsed = now - stateSince
        switch state {
        case .ringing where elapsed >= timeouts.ringing:
            // Both sides time out; the caller also tells the callee, in case clocks differ.
            let notice: [CallAction] = role == .caller ? [.send(.hangup(callID: callID, .noAnswer))] : []
            return notice + enter(.ended(.noAnswer), now: now)
        case .connecting where elapsed >= timeouts.connecting:
            return [.send(.hangup(callID: callID, .iceFailed))] + enter(.ended(.iceFailed), now: now)
        case .active where now - lastMedia >= timeouts.media:
            return [.send(.hangup(callID: callID, .peerGone))] + enter(.ended(.peerGone), now: now)
        default:
            return []
        }
    }

    private mutating func enter(_ next: CallState, now: Duration) -> [CallAction] {
        state = next
        stateSince = now
        if next.isEnded { heldCandidates.removeAll() }
        return [.stateChanged(next)]
    }

    private mutating func startTransport(_ remote: CallSessionDescription) -> [CallAction] {
        transportStarted = true
        defer { heldCandidates.removeAll() }
        return [.startTransport(remote: remote)] + heldCandidates.map { .addRemoteCandidate($0) }
    }
}
