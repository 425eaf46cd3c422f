#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import VarianceCallTransport
import VarianceMedia
import VarianceMediaIPC
import VarianceProtos

/// The media process's side of one call: commands from the engine in, reports out. It owns
/// the `MediaTransport` (ICE, DTLS-SRTP) and, once the transport connects, the `CallMedia`
/// pipeline with the sources and sinks the engine named.
///
/// ```
///   (spawned) ──start──▶ gathering ──candidate window──▶ described (MediaLocalParameters sent;
///                                                          later candidates trickled)
///   described ──remote──▶ connecting ──transport connected──▶ media running (CONNECTED)
///                              └──bad description, ICE/DTLS failure──▶ FAILED
///   any ──close, or the engine's end of the pipe──▶ media stopped, transport closed ──▶ exit
/// ```
public actor MediaSession {
    /// Writes one report to the engine.
    public typealias Report = @Sendable (Variance_MediaReport) -> Void

    private let report: Report
    private var start: Variance_MediaStart?
    private var transport: MediaTransport?
    private var media: CallMedia?
    private var tasks: [Task<Void, Never>] = []
    private var earlyCandidates: [IceCandidate] = []
    private var described = false
    private var gatheringDone = false
    private var remoteGiven = false
    private var closed = false

    public init(report: @escaping Report) {
        self.report = report
    }

    /// Carries out one command. Returns false when the process should exit (after `close`).
    public func handle(_ command: Variance_MediaCommand) async -> Bool {
        switch command.body {
        case .start(let start)?:
            await begin(start)
        case .remote(let remote)?:
            await connect(remote)
        case .remoteCandidate(let candidate)?:
            guard let transport, let parsed = IceCandidate(sdp: candidate.candidate) else { break }
            try? await transport.addRemoteCandidate(parsed)
        case .statsRequest(let request)?:
            var reply = Variance_MediaStatsReply()
            if let media { reply = await media.statistics().reply(requestID: request.requestID) }
            reply.requestID = request.requestID
            send(.stats(reply))
        case .close?:
            await shutDown()
            send(.closed(Variance_MediaClosed()))
            return false
        case nil:
            break
        }
        return true
    }

    /// Stops the media (sinks closed: a WAV file gets its final header) and the transport.
    public func shutDown() async {
        guard !closed else { return }
        closed = true
        for task in tasks { task.cancel() }
        tasks = []
        await media?.stop()
        await transport?.close()
    }

    private func send(_ body: Variance_MediaReport.OneOf_Body) {
        var message = Variance_MediaReport()
        message.body = body
        report(message)
    }

    private func fail(_ state: Variance_MediaStateChange.State, _ reason: String) {
        var change = Variance_MediaStateChange()
        change.state = state
        change.reason = reason
        send(.state(change))
    }

    // MARK: Gathering and our description

    private func begin(_ start: Variance_MediaStart) async {
        guard self.start == nil, !closed else { return }
        self.start = start
        let configuration = IceConfiguration(
            stunServers: start.stunServers.compactMap(IceConfiguration.StunServer.init(url:)),
            turnServers: start.turnServers.compactMap {
                IceConfiguration.TurnServer(url: $0.url, username: $0.username, credential: $0.credential)
            },
            relayOnly: start.relayOnly, controlling: start.controlling,
            hostAddresses: start.hostAddresses.isEmpty ? nil : start.hostAddresses)
        let transport: MediaTransport
        do { transport = try MediaTransport(ice: configuration) } catch {
            fail(.failed, "the call transport cannot be created: \(error)")
            return
        }
        self.transport = transport
        let ice = transport.ice
        let found = ice.localCandidates
        tasks.append(Task { [weak self] in
            for await candidate in found {
                guard let self else { return }
                await self.candidateFound(candidate)
            }
        })
        tasks.append(Task { [weak self] in
            _ = try? await ice.gather()
            await self?.gatheringEnded()
        })
        let deadline = ContinuousClock.now + .milliseconds(Int(min(start.candidateWindowMs, 5_000)))
        while ContinuousClock.now < deadline, !gatheringDone, !closed {
            try? await Task.sleep(for: .milliseconds(5))
        }
        guard !closed else { return }
        let setup = DtlsSetup(rawValue: start.dtlsSetup) ?? (start.controlling ? .actpass : .active)
        let parameters = TransportParameters(
            iceUsernameFragment: ice.localUsernameFragment, icePassword: ice.localPassword,
            fingerprint: .init(algorithm: "sha-256", value: transport.identity.fingerprint), setup: setup,
            candidates: earlyCandidates)
        var rng = SystemRandomNumberGenerator()
        let sdp = SessionDescription.call(
            sessionID: UInt64.random(in: 1...UInt64(Int64.max), using: &rng), transport: parameters,
            audioSSRC: UInt32.random(in: 1...UInt32.max, using: &rng),
            videoSSRC: start.video ? UInt32.random(in: 1...UInt32.max, using: &rng) : nil, cname: "variance")
        var local = Variance_MediaLocalParameters()
        local.iceUsernameFragment = parameters.iceUsernameFragment
        local.icePassword = parameters.icePassword
        local.dtlsFingerprintSha256 = Data(Self.fingerprintBytes(transport.identity.fingerprint))
        local.sdp = sdp.sdp
        local.candidates = earlyCandidates.map(\.sdpAttribute)
        described = true
        send(.local(local))
    }

    private func candidateFound(_ candidate: IceCandidate) {
        guard !closed else { return }
        guard described else {
            earlyCandidates.append(candidate)
            return
        }
        var message = Variance_MediaLocalCandidate()
        message.candidate = candidate.sdpAttribute
        send(.localCandidate(message))
    }

    private func gatheringEnded() { gatheringDone = true }

    /// `AB:CD:...` as bytes.
    static func fingerprintBytes(_ text: String) -> [UInt8] {
        text.split(separator: ":").compactMap { UInt8($0, radix: 16) }
    }

    // MARK: Connecting

    private func connect(_ remote: Variance_MediaRemoteParameters) async {
        guard let start, let transport, !remoteGiven, !closed else { return }
        remoteGiven = true
        guard let description = SessionDescription(sdp: remote.sdp), var parameters = description.transport,
            Self.fingerprintBytes(parameters.fingerprint.value) == Array(remote.dtlsFingerprintSha256)
        else {
            fail(.failed, "the peer's description is unusable or its fingerprint does not match the signed one")
            return
        }
        parameters.iceUsernameFragment = remote.iceUsernameFragment
        parameters.icePassword = remote.icePassword
        let localSetup = DtlsSetup(rawValue: start.dtlsSetup) ?? (start.controlling ? .actpass : .active)
        do { try await transport.start(remote: parameters, localSetup: localSetup) } catch {
            fail(.failed, "the call transport did not start: \(error)")
            return
        }
        let states = transport.states
        tasks.append(Task { [weak self] in
            for await state in states {
                guard let self else { return }
                await self.transportChanged(state)
            }
        })
    }

    private func transportChanged(_ state: MediaTransport.State) async {
        guard !closed, let transport else { return }
        switch state {
        case .connected:
            guard media == nil else { return }
            fail(.connected, "")
            await startMedia(transport)
        case .failed:
            fail(.failed, "ICE or DTLS failed: \(String(describing: await transport.failure))")
        case .closed:
            if await transport.closedByPeer { fail(.peerClosed, "the peer closed the DTLS association") }
        default:
            break
        }
    }

    // MARK: Media

    private func startMedia(_ transport: MediaTransport) async {
        guard let start else { return }
        let media: CallMedia
        do {
            let audioSource = try MediaSourceSpec(parsing: start.audioSource.isEmpty ? "tone:440" : start.audioSource)
                .makeAudioSource(channels: 1)
            let videoSource = start.video
                ? try MediaSourceSpec(parsing: start.videoSource.isEmpty ? "pattern" : start.videoSource).makeVideoSource() : nil
            let audioSink = try MediaSinkSpec(parsing: start.audioSink.isEmpty ? "null" : start.audioSink).makeAudioSink(channels: 1)
            let videoSink = try MediaSinkSpec(parsing: start.videoSink.isEmpty ? "null" : start.videoSink)
                .makeVideoSink(width: 640, height: 480)
            media = try CallMedia(
                audioSource: start.audio ? audioSource : nil, videoSource: videoSource, audioSink: audioSink, videoSink: videoSink
            ) { [transport] packet, isRTCP in
                if isRTCP { try? await transport.sendRTCP(packet) } else { try? await transport.sendRTP(packet) }
            }
        } catch {
            fail(.mediaFailed, "the call's media cannot start: \(error)")
            return
        }
        self.media = media
        await media.run()
        let packets = transport.packets
        tasks.append(Task { [weak self] in
            var lastNotice: Duration?
            for await packet in packets {
                switch packet {
                case .rtp(let bytes): await media.receive(bytes, isRTCP: false)
                case .rtcp(let bytes): await media.receive(bytes, isRTCP: true)
                }
                let elapsed = await media.elapsed
                if lastNotice.map({ elapsed - $0 >= .seconds(1) }) ?? true {
                    lastNotice = elapsed
                    await self?.mediaArrived()
                }
            }
        })
    }

    private func mediaArrived() {
        guard !closed else { return }
        send(.mediaArrived(Variance_MediaArrived()))
    }
}
