import Crypto
import LibP2PCore
import VarianceCallTransport
import VarianceIdentity
import VarianceMedia
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
    /// Why it ended (`hungUp`, `rejected`, `busy`, `noAnswer`, `iceFailed`, `peerGone`).
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
    var transport: MediaTransport?
    var media: CallMedia?
    var tasks: [Task<Void, Never>] = []
    /// Our candidates found before the offer or answer left (they go inside it), whether
    /// later ones are trickled now, and whether gathering is over.
    var earlyCandidates: [IceCandidate] = []
    var candidatesInDescription = 0
    var trickling = false
    var gatheringDone = false
}

/// Voice and video calls: signalling over the direct-message channel (each `CallSignal` signed
/// by the sender's DID key and bound to both DIDs, inside Olm), a `CallLine` (VarianceMedia)
/// deciding states, a `MediaTransport` (ICE through libnice, DTLS-SRTP) per call, and a
/// `CallMedia` pipeline between the sources and sinks and the transport.
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
        var session = CallSession(id: id, peer: did, direction: "outgoing", audio: audio, video: video, spec: spec)
        let transport = try makeTransport(controlling: true)
        session.transport = transport
        calls[key] = session
        let description: CallSessionDescription
        do {
            description = try await localDescription(transport, setup: .actpass, video: video, call: key)
        } catch {
            calls[key] = nil
            await transport.close()
            throw error
        }
        guard let actions = callLine.placeCall(callID: id, to: Array(did.utf8), local: description, now: callNow) else {
            calls[key] = nil
            await transport.close()
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
        let transport = try makeTransport(controlling: false)
        session.transport = transport
        calls[key] = session
        let description = try await localDescription(transport, setup: .active, video: session.video, call: key)
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
        let media = await session.media?.statistics()
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
                guard let transport = calls[key]?.transport, let parsed = IceCandidate(sdp: candidate.candidate) else { continue }
                try? await transport.addRemoteCandidate(parsed)
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
        if state == .active, session.media == nil { await startMedia(key) }
    }

    // MARK: Transport and media

    func makeTransport(controlling: Bool) throws(EngineError) -> MediaTransport {
        let configuration = IceConfiguration(
            stunServers: self.configuration.stunServers.compactMap(IceConfiguration.StunServer.init(url:)),
            turnServers: self.configuration.turnServers.compactMap {
                IceConfiguration.TurnServer(url: $0.url, username: $0.username, credential: $0.credential)
            },
            relayOnly: self.configuration.relayOnlyMedia, controlling: controlling,
            hostAddresses: self.configuration.mediaHostAddresses)
        do { return try MediaTransport(ice: configuration) } catch {
            throw EngineError.internalError("the call transport cannot be created: \(error)")
        }
    }

    /// Starts gathering, waits up to `calls.candidate_window_ms` (or until gathering is over) and
    /// describes our side (fingerprint, ICE credentials, SDP with the candidates found so far).
    func localDescription(
        _ transport: MediaTransport, setup: DtlsSetup, video: Bool, call key: String
    ) async throws(EngineError) -> CallSessionDescription {
        let ice = transport.ice
        let found = ice.localCandidates
        let reader = Task { [weak self] in
            for await candidate in found {
                guard let self else { return }
                await self.localCandidateFound(key, candidate)
            }
        }
        let gathering = Task { [weak self] in
            let done = (try? await ice.gather()) != nil
            await self?.localGatheringEnded(key, failed: !done)
        }
        calls[key]?.tasks += [reader, gathering]
        let deadline = ContinuousClock.now + .milliseconds(configuration.callCandidateWindowMillis)
        while ContinuousClock.now < deadline, calls[key]?.gatheringDone == false {
            try? await Task.sleep(for: .milliseconds(5))
        }
        guard let session = calls[key] else { throw EngineError.conflict("The call ended.") }
        calls[key]?.candidatesInDescription = session.earlyCandidates.count
        let parameters = TransportParameters(
            iceUsernameFragment: ice.localUsernameFragment, icePassword: ice.localPassword,
            fingerprint: .init(algorithm: "sha-256", value: transport.identity.fingerprint), setup: setup,
            candidates: session.earlyCandidates)
        var rng = SystemRandomNumberGenerator()
        let sdp = SessionDescription.call(
            sessionID: UInt64.random(in: 1...UInt64(Int64.max), using: &rng), transport: parameters,
            audioSSRC: UInt32.random(in: 1...UInt32.max, using: &rng),
            videoSSRC: video ? UInt32.random(in: 1...UInt32.max, using: &rng) : nil, cname: "variance")
        return CallSessionDescription(
            dtlsFingerprintSHA256: Self.fingerprintBytes(transport.identity.fingerprint),
            iceUsernameFragment: parameters.iceUsernameFragment, icePassword: parameters.icePassword, sdp: sdp.sdp, video: video)
    }

    /// `AB:CD:...` as bytes.
    static func fingerprintBytes(_ text: String) -> [UInt8] {
        text.split(separator: ":").compactMap { UInt8($0, radix: 16) }
    }

    /// Starts ICE and DTLS towards the peer's description; the transport's state drives the
    /// call (connected → active, failed → ended).
    func startTransport(_ key: String, remote: CallSessionDescription) async {
        guard let session = calls[key], let transport = session.transport else { return }
        guard let description = SessionDescription(sdp: remote.sdp), var parameters = description.transport,
            Self.fingerprintBytes(parameters.fingerprint.value) == remote.dtlsFingerprintSHA256
        else {
            await perform(callLine.handle(.iceFailed, now: callNow), call: key)
            return
        }
        parameters.iceUsernameFragment = remote.iceUsernameFragment
        parameters.icePassword = remote.icePassword
        let localSetup: DtlsSetup = session.direction == "outgoing" ? .actpass : .active
        do { try await transport.start(remote: parameters, localSetup: localSetup) } catch {
            logger.info("The call transport did not start", metadata: ["error": "\(error)"])
            await perform(callLine.handle(.iceFailed, now: callNow), call: key)
            return
        }
        let states = transport.states
        let watcher = Task { [weak self] in
            for await state in states {
                guard let self else { return }
                await self.transportChanged(key, to: state)
            }
        }
        calls[key]?.tasks.append(watcher)
    }

    func transportChanged(_ key: String, to state: MediaTransport.State) async {
        guard let session = calls[key], callLine.current?.callID == session.id, !session.state.isEnded else { return }
        switch state {
        case .connected:
            await perform(callLine.handle(.iceConnected, now: callNow), call: key)
        case .failed:
            await perform(callLine.handle(.iceFailed, now: callNow), call: key)
        case .closed:
            if await session.transport?.closedByPeer == true {
                await perform(callLine.handle(.peerGone, now: callNow), call: key)
            }
        default:
            break
        }
    }

    /// The call is active: sources, sinks and the pipeline start; received packets feed it.
    func startMedia(_ key: String) async {
        guard let session = calls[key], let transport = session.transport else { return }
        let media: CallMedia
        do {
            let audioSource = try MediaSourceSpec(parsing: session.spec.audioSource ?? "tone:440").makeAudioSource(channels: 1)
            let videoSource = session.video
                ? try MediaSourceSpec(parsing: session.spec.videoSource ?? "pattern").makeVideoSource() : nil
            let audioSink = try MediaSinkSpec(parsing: session.spec.audioSink ?? "null").makeAudioSink(channels: 1)
            let videoSink = try MediaSinkSpec(parsing: session.spec.videoSink ?? "null").makeVideoSink(width: 640, height: 480)
            media = try CallMedia(
                audioSource: session.audio ? audioSource : nil, videoSource: videoSource, audioSink: audioSink,
                videoSink: videoSink
            ) { [transport] packet, isRTCP in
                if isRTCP { try? await transport.sendRTCP(packet) } else { try? await transport.sendRTP(packet) }
            }
        } catch {
            logger.error("The call's media cannot start", metadata: ["error": "\(error)"])
            await perform(callLine.handle(.localHangup, now: callNow), call: key)
            return
        }
        calls[key]?.media = media
        await media.run()
        let packets = transport.packets
        let reader = Task { [weak self] in
            var lastNotice = Duration.zero
            for await packet in packets {
                switch packet {
                case .rtp(let bytes): await media.receive(bytes, isRTCP: false)
                case .rtcp(let bytes): await media.receive(bytes, isRTCP: true)
                }
                let elapsed = await media.elapsed
                if elapsed - lastNotice >= .seconds(1) {
                    lastNotice = elapsed
                    await self?.callMediaArrived(key)
                }
            }
        }
        calls[key]?.tasks.append(reader)
    }

    func callMediaArrived(_ key: String) async {
        guard let session = calls[key], callLine.current?.callID == session.id, !session.state.isEnded else { return }
        await perform(callLine.handle(.mediaReceived, now: callNow), call: key)
    }

    /// The call ended: media stops (sinks closed), the transport closes, the tasks end.
    func endCall(_ key: String) async {
        guard let session = calls[key] else { return }
        for task in session.tasks { task.cancel() }
        calls[key]?.tasks = []
        await session.media?.stop()
        await session.transport?.close()
        calls[key]?.transport = nil
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
        }
    }

    // MARK: Trickle

    func localCandidateFound(_ key: String, _ candidate: IceCandidate) async {
        guard let session = calls[key], !session.state.isEnded else { return }
        guard session.trickling else {
            calls[key]?.earlyCandidates.append(candidate)
            return
        }
        guard callLine.current?.callID == session.id else { return }
        await perform(callLine.handle(.localCandidate(ICECandidate(candidate: candidate.sdpAttribute)), now: callNow), call: key)
    }

    func localGatheringEnded(_ key: String, failed: Bool) async {
        calls[key]?.gatheringDone = true
        if failed { logger.info("Gathering call candidates failed", metadata: ["call": "\(key)"]) }
    }

    /// The offer or answer is out: candidates found from now on are trickled.
    func startTrickling(_ key: String) async {
        guard let session = calls[key] else { return }
        calls[key]?.trickling = true
        // Found after the description was written and before it left: trickled now.
        for candidate in session.earlyCandidates.dropFirst(session.candidatesInDescription) {
            guard callLine.current?.callID == session.id else { return }
            await perform(callLine.handle(.localCandidate(ICECandidate(candidate: candidate.sdpAttribute)), now: callNow), call: key)
        }
    }
}

