import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import LibP2PCore
import VarianceIdentity
import VarianceMedia
import VarianceMediaIPC
import VarianceMessaging
import VarianceProtos

/// A call as `calls.list` shows it.
public struct CallSummary: Sendable, Equatable {
    public var callID: String
    public var peer: String
    /// `outgoing` or `incoming`.
    public var direction: String
    /// `ringing`, `connecting`, `active` or `ended`.
    public var state: String
    /// Why it ended (`hungUp`, `rejected`, `busy`, `noAnswer`, `iceFailed`, `peerGone`,
    /// `mediaProcessExited`).
    public var reason: String?
    public var audio: Bool
    public var video: Bool
}

/// What `calls.stats` shows.
public struct CallStatsSummary: Sendable, Equatable {
    public var state: String
    public var rttMillis: Double?
    public var jitterMillis: Double
    public var packetsLost: Int64
    public var bitrateKbps: Double
    public var codecs: [String]
    /// Audio frames played into the sink and video frames decoded, so far.
    public var audioFrames: Int
    public var videoFrames: Int
    /// From the media layer (nil before the call is active): see ``CallMediaStatistics``.
    public var media: CallMediaStatistics?
}

/// Where a call's media comes from and goes to (`calls.start` / `calls.accept`).
public struct CallMediaSpec: Sendable, Equatable {
    public var audioSource: String?
    public var videoSource: String?
    public var audioSink: String?
    public var videoSink: String?

    public init(audioSource: String? = nil, videoSource: String? = nil, audioSink: String? = nil, videoSink: String? = nil) {
        self.audioSource = audioSource
        self.videoSource = videoSource
        self.audioSink = audioSink
        self.videoSink = videoSink
    }
}

/// One call the engine knows of.
struct CallSession {
    let id: [UInt8]
    let peer: String
    let direction: String
    var audio: Bool
    var video: Bool
    var state: CallState = .idle
    var spec = CallMediaSpec()
    /// The `variance-media` process that owns this call's transport and media.
    var media: MediaProcess?
    var tasks: [Task<Void, Never>] = []
    /// Our side as the media process described it (nil: not yet), or why it could not.
    var local: Variance_MediaLocalParameters?
    var mediaFailure: String?
    /// Whether the media process reported the transport connected (its media runs).
    var mediaRunning = false
    /// Candidates the media process trickled before our offer or answer left (sent after
    /// it), and whether they go out at once now.
    var heldCandidates: [String] = []
    var trickling = false
}

/// Voice and video calls: signalling over the direct-message channel (each `CallSignal` signed
/// by the sender's DID key and bound to both DIDs, inside Olm), a `CallLine` (VarianceMedia)
/// deciding states, and one `variance-media` process per call (``MediaProcess``) that owns the
/// transport (ICE through libnice, DTLS-SRTP) and the media pipeline, so that the engine never
/// loads libnice, OpenSSL, libsrtp2, libopus or libvpx (docs/CALLS.md, "The media process").
///
/// The offer and answer carry the ICE candidates found in the first
/// `calls.candidate_window_ms` (150 ms by default: host candidates at once; server-reflexive and relayed ones
/// if their servers answer that fast), the DTLS certificate fingerprint and the SDP; later
/// candidates are trickled as signed `candidate` signals. The callee is the DTLS client. One
/// call at a time: an offer during a call is answered `busy`.
extension Engine {
    static let callTickInterval = Duration.seconds(1)
    /// Calls kept in `calls.list` after they ended.
    static let maxEndedCalls = 32

    var callNow: Duration { ContinuousClock.now - callEpoch }

    // MARK: The RPC surface

    /// Calls `peer` (a DID or @name). Returns the call id; `call.state` follows.
    public func startCall(peer person: String, audio: Bool, video: Bool, spec: CallMediaSpec) async throws(EngineError) -> String {
        let identity = try readyIdentity()
        let did = try personDID(person)
        guard did != identity.did, did.hasPrefix("did:key:") else {
            throw EngineError.invalid(field: "peer", reason: "must be the DID or @name of someone else")
        }
        guard try knownRecord(did) != nil else { throw EngineError.notFound("\(did) is not a contact.") }
        guard !callLine.isBusy else { throw EngineError.conflict("A call is already in progress; hang it up first.") }
        try Self.checkSpec(spec, audio: audio, video: video)
        var rng = SystemRandomNumberGenerator()
        let id = (0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let key = Self.hex(id)
        let session = CallSession(id: id, peer: did, direction: "outgoing", audio: audio, video: video, spec: spec)
        calls[key] = session
        do { try spawnMedia(key) } catch {
            calls[key] = nil
            throw error
        }
        let description: CallSessionDescription
        do {
            description = try await localDescription(key, controlling: true, setup: "actpass")
        } catch {
            await dropMedia(key)
            calls[key] = nil
            throw error
        }
        guard let actions = callLine.placeCall(callID: id, to: Array(did.utf8), local: description, now: callNow) else {
            await dropMedia(key)
            calls[key] = nil
            throw EngineError.conflict("A call is already in progress; hang it up first.")
        }
        startCallTicker()
        await perform(actions, call: key)
        await startTrickling(key)
        return key
    }

    /// Accepts the ringing incoming call.
    public func acceptCall(_ key: String, spec: CallMediaSpec) async throws(EngineError) {
        guard var session = calls[key], session.direction == "incoming" else { throw EngineError.notFound("No incoming call \(key).") }
        guard session.state == .ringing, callLine.current?.callID == session.id else {
            throw EngineError.conflict("The call is not ringing.")
        }
        try Self.checkSpec(spec, audio: session.audio, video: session.video)
        session.spec = spec
        // Usually spawned when the offer arrived, so that its start overlapped the ringing.
        calls[key] = session
        if session.media == nil { try spawnMedia(key) }
        let description = try await localDescription(key, controlling: false, setup: "active")
        await perform(callLine.handle(.localAccept(description), now: callNow), call: key)
        await startTrickling(key)
    }

    /// Declines the ringing incoming call.
    public func rejectCall(_ key: String) async throws(EngineError) {
        guard let session = calls[key], session.direction == "incoming" else { throw EngineError.notFound("No incoming call \(key).") }
        guard session.state == .ringing, callLine.current?.callID == session.id else {
            throw EngineError.conflict("The call is not ringing.")
        }
        await perform(callLine.handle(.localReject, now: callNow), call: key)
    }

    /// Hangs up (or cancels) a call.
    public func hangUpCall(_ key: String) async throws(EngineError) {
        guard let session = calls[key] else { throw EngineError.notFound("No call \(key).") }
        guard !session.state.isEnded, callLine.current?.callID == session.id else {
            throw EngineError.conflict("The call has ended already.")
        }
        await perform(callLine.handle(.localHangup, now: callNow), call: key)
    }

    public func callStats(_ key: String) async throws(EngineError) -> CallStatsSummary {
        guard let session = calls[key] else { throw EngineError.notFound("No call \(key).") }
        let media = session.mediaRunning ? await session.media?.statistics() : nil
        return CallStatsSummary(
            state: Self.word(session.state), rttMillis: media?.roundTripMillis, jitterMillis: media?.jitterMillis ?? 0,
            packetsLost: media?.packetsLost ?? 0, bitrateKbps: (media?.receiveKbps ?? 0) + (media?.sendKbps ?? 0),
            codecs: media?.codecs ?? (session.video ? ["opus/48000/2", "VP8/90000"] : ["opus/48000/2"]),
            audioFrames: media?.audioFramesPlayed ?? 0, videoFrames: media?.videoFramesDecoded ?? 0, media: media)
    }

    public func listCalls() -> [CallSummary] {
        calls.values.sorted { $0.id.lexicographicallyPrecedes($1.id) }.map { session in
            var reason: String?
            if case .ended(let why) = session.state { reason = Self.word(why) }
            return CallSummary(
                callID: Self.hex(session.id), peer: session.peer, direction: session.direction, state: Self.word(session.state),
                reason: reason, audio: session.audio, video: session.video)
        }
    }

    // MARK: Signalling

    /// A call signal arrived over Olm from `record`'s DID.
    func receiveCallSignal(_ bytes: [UInt8], from record: IdentityRecord) async {
        guard let identity, let signed = try? Variance_SignedCallSignal(serializedBytes: bytes),
            let publicKey = try? DIDKey.publicKey(fromDID: record.did),
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey)
        else { return }
        let context = Array("\(record.did)>\(identity.did)".utf8)
        guard let signal = try? signed.verifiedSignal(context: context, { message, signature in
            key.isValidSignature(signature, for: message)
        }) else {
            logger.info("A call signal does not verify", metadata: ["from": "\(record.did)"])
            return
        }
        let callKey = Self.hex(Array(signal.callID))
        let wasKnown = calls[callKey] != nil
        if !wasKnown, case .offer(let offer)? = signal.body, !callLine.isBusy || callLine.currentPeer == Array(record.did.utf8) {
            // A new incoming call: its session exists before the machine rings.
            calls[callKey] = CallSession(
                id: Array(signal.callID), peer: record.did, direction: "incoming", audio: true, video: offer.video)
        }
        let actions = callLine.receive(signal, from: Array(record.did.utf8), now: callNow)
        if !wasKnown, calls[callKey]?.state == .idle, !actions.contains(where: { if case .stateChanged = $0 { true } else { false } }) {
            calls[callKey] = nil  // busy, replayed or unusable: nothing to keep
        } else if !wasKnown, calls[callKey] != nil, calls[callKey]?.media == nil {
            // It rings: the media process starts now, while the person decides. If it cannot,
            // `calls.accept` says why.
            try? spawnMedia(callKey)
        }
        startCallTicker()
        await perform(actions, call: callKey, peer: record.did)
    }

    /// Carries out what the call line decided, in order.
    func perform(_ actions: [CallAction], call key: String, peer: String? = nil) async {
        for action in actions {
            switch action {
            case .send(let signal):
                let to = calls[key]?.peer ?? peer
                if let to { await sendCallSignal(signal, to: to) }
            case .stateChanged(let state):
                await callStateChanged(key, to: state)
            case .startTransport(let remote):
                await startTransport(key, remote: remote)
            case .addRemoteCandidate(let candidate):
                var message = Variance_MediaRemoteCandidate()
                message.candidate = candidate.candidate
                calls[key]?.media?.send(.remoteCandidate(message))
            }
        }
    }

    func sendCallSignal(_ signal: Variance_CallSignal, to did: String) async {
        guard let identity else { return }
        let context = Array("\(identity.did)>\(did)".utf8)
        guard let signed = try? Variance_SignedCallSignal(signing: signal, context: context, with: { message in
            Array(try identity.signingKey.signature(for: message))
        }), let bytes: [UInt8] = try? signed.serializedBytes() else { return }
        let now = clock()
        let message = DirectMessage(
            id: Self.messageIDs.next(unixMillis: now).description, sentAtMs: UInt64(now), content: .callSignal(bytes))
        do { try await deliver(message, to: did) } catch {
            logger.info("A call signal was not delivered", metadata: ["reason": "\(error.message)"])
            // The peer cannot be reached: the call cannot go on.
            if let key = calls.first(where: { $0.value.peer == did && !$0.value.state.isEnded })?.key,
                callLine.current?.callID == calls[key]?.id
            {
                await perform(callLine.handle(.peerGone, now: callNow), call: key)
            }
        }
    }

    func callStateChanged(_ key: String, to state: CallState) async {
        guard var session = calls[key] else { return }
        let previous = session.state
        session.state = state
        calls[key] = session
        if session.direction == "incoming", state == .ringing, previous == .idle {
            try? emit(.callIncoming(callID: key, from: session.peer, audio: session.audio, video: session.video))
        }
        var reason: String?
        if case .ended(let why) = state { reason = Self.word(why) }
        // An ended call's sinks are closed (a WAV file complete) before anyone is told.
        if state.isEnded { await endCall(key) }
        try? emit(.callState(callID: key, state: Self.word(state), reason: reason))
    }

    // MARK: Transport and media

    /// Spawns the call's media process (the call's session exists) and starts reading its
    /// reports. Throws a clear error when the executable is missing (`calls.start` and
    /// `calls.accept` say so).
    func spawnMedia(_ key: String) throws(EngineError) {
        let process = try MediaProcess.spawn(MediaProcess.executablePath(configured: configuration.mediaHelper))
        let reports = process.reports
        let reader = Task { [weak self] in
            for await report in reports {
                guard let self else { return }
                await self.mediaReported(key, report, from: process)
            }
            await self?.mediaProcessEnded(key, process)
        }
        calls[key]?.media = process
        calls[key]?.tasks.append(reader)
    }

    /// A call that never got going lets its media process go.
    func dropMedia(_ key: String) async {
        guard let session = calls[key] else { return }
        for task in session.tasks { task.cancel() }
        calls[key]?.tasks = []
        calls[key]?.media = nil
        await session.media?.close()
    }

    /// Asks the media process to gather and describe our side; it waits up to
    /// `calls.candidate_window_ms` for candidates to put in the description (the rest are
    /// trickled).
    func localDescription(_ key: String, controlling: Bool, setup: String) async throws(EngineError) -> CallSessionDescription {
        guard let session = calls[key], let process = session.media else { throw EngineError.conflict("The call ended.") }
        var start = Variance_MediaStart()
        start.stunServers = configuration.stunServers
        start.turnServers = configuration.turnServers.map {
            var server = Variance_MediaTurnServer()
            server.url = $0.url
            server.username = $0.username
            server.credential = $0.credential
            return server
        }
        start.relayOnly = configuration.relayOnlyMedia
        start.hostAddresses = configuration.mediaHostAddresses ?? []
        start.controlling = controlling
        start.dtlsSetup = setup
        start.audio = session.audio
        start.video = session.video
        start.audioSource = session.spec.audioSource ?? ""
        start.videoSource = session.spec.videoSource ?? ""
        start.audioSink = session.spec.audioSink ?? ""
        start.videoSink = session.spec.videoSink ?? ""
        start.candidateWindowMs = UInt32(configuration.callCandidateWindowMillis)
        guard process.send(.start(start)) else {
            throw EngineError.internalError("the media process does not take commands")
        }
        // The window, plus the process's own start-up (loading libnice and the codecs).
        let deadline = ContinuousClock.now + .milliseconds(configuration.callCandidateWindowMillis) + .seconds(10)
        while ContinuousClock.now < deadline, let current = calls[key], current.media === process, current.local == nil,
            current.mediaFailure == nil
        {
            try? await Task.sleep(for: .milliseconds(5))
        }
        guard let current = calls[key], current.media === process, let local = current.local else {
            let reason = calls[key]?.mediaFailure ?? "the media process did not describe the call in time"
            logger.info("The call's media did not start", metadata: ["reason": "\(reason)"])
            throw EngineError.unreachable("The call's media could not start: \(reason).")
        }
        return CallSessionDescription(
            dtlsFingerprintSHA256: Array(local.dtlsFingerprintSha256), iceUsernameFragment: local.iceUsernameFragment,
            icePassword: local.icePassword, sdp: local.sdp, video: session.video)
    }

    /// Hands the peer's description to the media process, which starts ICE and DTLS; its state
    /// reports drive the call (connected → active, failed → ended).
    func startTransport(_ key: String, remote: CallSessionDescription) async {
        var parameters = Variance_MediaRemoteParameters()
        parameters.sdp = remote.sdp
        parameters.iceUsernameFragment = remote.iceUsernameFragment
        parameters.icePassword = remote.icePassword
        parameters.dtlsFingerprintSha256 = Data(remote.dtlsFingerprintSHA256)
        guard calls[key]?.media?.send(.remote(parameters)) == true else {
            await perform(callLine.handle(.mediaProcessExited, now: callNow), call: key)
            return
        }
    }

    /// One report of a call's media process. Its contents are bounded by the frame (64 KiB);
    /// candidates and the description go to the peer inside our signed signals, as they did
    /// when the transport lived in the engine.
    func mediaReported(_ key: String, _ report: Variance_MediaReport, from process: MediaProcess) async {
        guard let session = calls[key], session.media === process else { return }
        switch report.body {
        case .local(let local)?:
            guard session.local == nil else { return }
            calls[key]?.local = local
        case .localCandidate(let candidate)?:
            await localCandidateFound(key, candidate.candidate)
        case .state(let change)?:
            await mediaStateChanged(key, change)
        case .mediaArrived?:
            await callMediaArrived(key)
        case .stats?, .closed?, nil:
            break
        }
    }

    func mediaStateChanged(_ key: String, _ change: Variance_MediaStateChange) async {
        guard let session = calls[key] else { return }
        if session.local == nil, change.state != .connected {
            calls[key]?.mediaFailure = change.reason
            return
        }
        guard callLine.current?.callID == session.id, !session.state.isEnded else { return }
        switch change.state {
        case .connected:
            calls[key]?.mediaRunning = true
            await perform(callLine.handle(.iceConnected, now: callNow), call: key)
        case .failed:
            logger.info("The call transport failed", metadata: ["reason": "\(change.reason)"])
            await perform(callLine.handle(.iceFailed, now: callNow), call: key)
        case .peerClosed:
            await perform(callLine.handle(.peerGone, now: callNow), call: key)
        case .mediaFailed:
            logger.error("The call's media cannot start", metadata: ["reason": "\(change.reason)"])
            await perform(callLine.handle(.localHangup, now: callNow), call: key)
        case .unspecified, .UNRECOGNIZED:
            break
        }
    }

    /// The media process exited (or wrote a frame we refuse) while its call lived: the call
    /// ends (`mediaProcessExited`), the engine goes on.
    func mediaProcessEnded(_ key: String, _ process: MediaProcess) async {
        guard let session = calls[key], session.media === process else { return }
        calls[key]?.media = nil
        calls[key]?.mediaRunning = false
        if session.local == nil, calls[key]?.mediaFailure == nil { calls[key]?.mediaFailure = "the media process exited" }
        guard !session.state.isEnded, callLine.current?.callID == session.id else { return }
        // A ringing incoming call has not used it yet: `calls.accept` starts another.
        if session.direction == "incoming", session.state == .ringing { return }
        logger.error("The call's media process exited", metadata: ["call": "\(key)", "pid": "\(process.pid)"])
        await perform(callLine.handle(.mediaProcessExited, now: callNow), call: key)
    }

    func callMediaArrived(_ key: String) async {
        guard let session = calls[key], callLine.current?.callID == session.id, !session.state.isEnded else { return }
        await perform(callLine.handle(.mediaReceived, now: callNow), call: key)
    }

    /// The call ended: the media process stops the media (sinks closed) and the transport,
    /// and exits; the tasks end.
    func endCall(_ key: String) async {
        guard let session = calls[key] else { return }
        for task in session.tasks { task.cancel() }
        calls[key]?.tasks = []
        calls[key]?.media = nil
        calls[key]?.mediaRunning = false
        await session.media?.close()
        let ended = calls.filter { $0.value.state.isEnded }.sorted { $0.value.id.lexicographicallyPrecedes($1.value.id) }
        for (old, _) in ended.prefix(max(0, ended.count - Self.maxEndedCalls)) { calls[old] = nil }
    }

    /// Timeouts (no answer after 45 s, ...) are checked once a second while a call lives.
    func startCallTicker() {
        guard callTicker == nil else { return }
        callTicker = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: Engine.callTickInterval)
                guard let self, await self.tickCalls() else { return }
            }
        }
    }

    /// Returns whether a call still lives.
    func tickCalls() async -> Bool {
        guard let current = callLine.current, !current.state.isEnded else {
            callTicker = nil
            return false
        }
        let key = Self.hex(current.callID)
        await perform(callLine.handle(.tick, now: callNow), call: key)
        return true
    }

    /// Ends every call (engine shutdown).
    func closeCalls() async {
        callTicker?.cancel()
        callTicker = nil
        for key in calls.keys where !(calls[key]?.state.isEnded ?? true) {
            if callLine.current?.callID == calls[key]?.id {
                await perform(callLine.handle(.localHangup, now: callNow), call: key)
            }
            await endCall(key)
        }
    }

    static func checkSpec(_ spec: CallMediaSpec, audio: Bool, video: Bool) throws(EngineError) {
        do {
            if let source = spec.audioSource {
                let parsed = try MediaSourceSpec(parsing: source)
                guard parsed.kind == .audio else { throw EngineError.invalid(field: "source.audio", reason: "is not an audio source") }
            }
            if let source = spec.videoSource {
                let parsed = try MediaSourceSpec(parsing: source)
                guard parsed.kind == .video else { throw EngineError.invalid(field: "source.video", reason: "is not a video source") }
            }
            if let sink = spec.audioSink {
                let parsed = try MediaSinkSpec(parsing: sink)
                guard parsed.kind != .video else { throw EngineError.invalid(field: "sink.audio", reason: "is not an audio sink") }
            }
            if let sink = spec.videoSink {
                let parsed = try MediaSinkSpec(parsing: sink)
                guard parsed.kind != .audio else { throw EngineError.invalid(field: "sink.video", reason: "is not a video sink") }
            }
        } catch let error as EngineError {
            throw error
        } catch {
            throw EngineError.invalid(field: "source", reason: "\(error)")
        }
    }

    static func word(_ state: CallState) -> String {
        switch state {
        case .idle, .ringing: "ringing"
        case .connecting: "connecting"
        case .active: "active"
        case .ended: "ended"
        }
    }

    static func word(_ reason: CallEndReason) -> String {
        switch reason {
        case .hungUp: "hungUp"
        case .rejected: "rejected"
        case .busy: "busy"
        case .noAnswer: "noAnswer"
        case .iceFailed: "iceFailed"
        case .peerGone: "peerGone"
        case .mediaProcessExited: "mediaProcessExited"
        }
    }

    // MARK: Trickle

    func localCandidateFound(_ key: String, _ candidate: String) async {
        guard let session = calls[key], !session.state.isEnded else { return }
        guard session.trickling else {
            calls[key]?.heldCandidates.append(candidate)
            return
        }
        guard callLine.current?.callID == session.id else { return }
        await perform(callLine.handle(.localCandidate(ICECandidate(candidate: candidate)), now: callNow), call: key)
    }

    /// The offer or answer is out: candidates found from now on are trickled.
    func startTrickling(_ key: String) async {
        guard let session = calls[key] else { return }
        calls[key]?.trickling = true
        calls[key]?.heldCandidates = []
        // Found after the description was written and before it left: trickled now.
        for candidate in session.heldCandidates {
            guard callLine.current?.callID == session.id else { return }
            await perform(callLine.handle(.localCandidate(ICECandidate(candidate: candidate)), now: callNow), call: key)
        }
    }
}
