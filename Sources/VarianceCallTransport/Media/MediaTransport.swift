/// The media path of one call: ICE for connectivity, DTLS for keys, SRTP for RTP and RTCP,
/// all on one ICE component (BUNDLE and rtcp-mux). Packets go in and come out as raw bytes;
/// codecs and RTP packetisation belong to the caller.
///
///     new ──start(remote:)──▶ checking ──ICE connected + DTLS done──▶ connected
///                                 │                                      │
///                                 └──ICE failed / DTLS failed──▶ failed ◀┘ (consent lost)
///     any state ──close() or the peer's close_notify──▶ closed
///
/// Datagrams on the component are told apart by their first byte (RFC 7983): 0–3 STUN (libnice
/// keeps those), 20–63 DTLS, 128–191 RTP or RTCP; anything else is dropped.
public actor MediaTransport {
    public enum State: Sendable, Hashable {
        case new, checking, connected, failed, closed
    }

    /// A packet after SRTP unprotection, RTP or RTCP told apart by payload type (RFC 5761 §4).
    public enum Packet: Sendable, Hashable {
        case rtp([UInt8])
        case rtcp([UInt8])
    }

    /// Why the transport failed.
    public enum Failure: Error, Sendable, Hashable {
        case ice
        case dtls(DtlsFailure)
        case srtp
        case notConnected
        case invalidRemoteParameters
    }

    /// State changes; the newest 16 are kept for a slow reader. Finishes after `closed`.
    public nonisolated let states: AsyncStream<State>
    /// Received, unprotected packets. At most 1,024 wait; beyond that the oldest are dropped.
    public nonisolated let packets: AsyncStream<Packet>
    /// This call's certificate; its fingerprint goes into our description.
    public nonisolated let identity: DtlsIdentity
    /// The ICE agent underneath. The transport consumes its `states` and `datagrams` streams;
    /// use it for `selectedPair()`, trickled `localCandidates` and diagnostics.
    public nonisolated let ice: IceAgent

    public private(set) var state: State = .new
    public private(set) var failure: Failure?
    /// The negotiated SRTP profile once connected.
    public private(set) var srtpProfile: SrtpProfile?
    /// True when the peer ended the association with a DTLS close_notify (then `state` is `closed`).
    public private(set) var closedByPeer = false
    /// Received packets dropped because they failed SRTP checks or came before keys.
    public private(set) var droppedPackets = 0

    private let stateSink: AsyncStream<State>.Continuation
    private let packetSink: AsyncStream<Packet>.Continuation
    private var dtls: DtlsSession?
    private var srtp: SrtpSession?
    private var dtlsStarted = false
    private var deadlineStarted = false
    private var tasks: [Task<Void, Never>] = []

    /// SRTP profiles offered in DTLS `use_srtp`, most preferred first.
    public nonisolated let srtpProfiles: [SrtpProfile]

    /// How long DTLS may take once ICE is connected before the transport fails.
    public nonisolated let handshakeTimeout: Duration

    /// - Parameters:
    ///   - identity: this call's certificate; a fresh one by default.
    ///   - srtpProfiles: what to offer in `use_srtp`; all three by default.
    ///   - handshakeTimeout: the DTLS deadline after ICE connects (OpenSSL alone would retry for minutes).
    public init(
        ice configuration: IceConfiguration, identity: DtlsIdentity? = nil,
        srtpProfiles: [SrtpProfile] = SrtpProfile.allCases, handshakeTimeout: Duration = .seconds(30)
    ) throws {
        self.srtpProfiles = srtpProfiles
        self.handshakeTimeout = handshakeTimeout
        self.identity = try identity ?? DtlsIdentity()
        ice = try IceAgent(configuration: configuration)
        (states, stateSink) = AsyncStream.makeStream(of: State.self, bufferingPolicy: .bufferingNewest(16))
        (packets, packetSink) = AsyncStream.makeStream(of: Packet.self, bufferingPolicy: .bufferingNewest(1024))
        stateSink.yield(.new)
    }

    deinit {
        // Without close(), the agent's GLib thread would outlive us.
        ice.close()
        stateSink.finish()
        packetSink.finish()
    }

    /// Gathers candidates (all of them: no trickle) and returns what to put in our description.
    public func localParameters(setup: DtlsSetup) async throws -> TransportParameters {
        let candidates = try await ice.gather()
        return TransportParameters(
            iceUsernameFragment: ice.localUsernameFragment, icePassword: ice.localPassword,
            fingerprint: .init(algorithm: "sha-256", value: identity.fingerprint), setup: setup, candidates: candidates)
    }

    /// Starts connectivity checks and DTLS against the peer's parameters. `localSetup` is the
    /// value in our own description (`actpass` in an offer; `active` or `passive` in an answer).
    public func start(remote: TransportParameters, localSetup: DtlsSetup) throws {
        guard state == .new else { return }
        guard remote.fingerprint.algorithm.lowercased() == "sha-256",
            let role = DtlsRole(local: localSetup, remote: remote.setup)
        else { throw Failure.invalidRemoteParameters }
        do {
            dtls = try DtlsSession(
                identity: identity, role: role, remoteFingerprint: remote.fingerprint.value, profiles: srtpProfiles)
        } catch {
            throw Failure.dtls(error)
        }
        try ice.setRemoteCredentials(usernameFragment: remote.iceUsernameFragment, password: remote.icePassword)
        try ice.addRemoteCandidates(remote.candidates)
        move(to: .checking)
        let datagrams = ice.datagrams
        let iceStates = ice.states
        tasks.append(Task { [weak self] in
            for await datagram in datagrams {
                guard let self else { return }
                await self.receive(datagram)
            }
        })
        tasks.append(Task { [weak self] in
            for await iceState in iceStates {
                guard let self else { return }
                await self.iceDidChange(to: iceState)
            }
        })
        if ice.state == .connected { iceDidChange(to: .connected) }
    }

    /// Adds a trickled remote candidate.
    public func addRemoteCandidate(_ candidate: IceCandidate) throws {
        try ice.addRemoteCandidates([candidate])
    }

    /// Protects and sends one RTP packet.
    public func sendRTP(_ packet: [UInt8]) throws {
        guard state == .connected, let srtp else { throw Failure.notConnected }
        guard let protected = try? srtp.protectRTP(packet) else { throw Failure.srtp }
        ice.send(protected)
    }

    /// Protects and sends one RTCP packet (compound or not).
    public func sendRTCP(_ packet: [UInt8]) throws {
        guard state == .connected, let srtp else { throw Failure.notConnected }
        guard let protected = try? srtp.protectRTCP(packet) else { throw Failure.srtp }
        ice.send(protected)
    }

    /// Sends close_notify, stops ICE and finishes the streams.
    public func close() {
        guard state != .closed else { return }
        if let dtls {
            for datagram in dtls.close().datagrams { ice.send(datagram) }
        }
        for task in tasks { task.cancel() }
        tasks = []
        ice.close()
        dtls = nil
        srtp = nil
        move(to: .closed)
        stateSink.finish()
        packetSink.finish()
    }

    // MARK: - Events

    private func iceDidChange(to iceState: IceAgent.State) {
        switch iceState {
        case .connected:
            startDtlsIfClient()
            startHandshakeDeadline()
        case .failed:
            fail(.ice)
        default:
            break
        }
    }

    private func startDtlsIfClient() {
        guard !dtlsStarted, let dtls, dtls.role == .client else { return }
        dtlsStarted = true
        apply(dtls.start())
        scheduleRetransmissions()
    }

    private func startHandshakeDeadline() {
        guard !deadlineStarted else { return }
        deadlineStarted = true
        let timeout = handshakeTimeout
        tasks.append(Task { [weak self] in
            guard (try? await Task.sleep(for: timeout)) != nil else { return }
            await self?.handshakeDeadlinePassed()
        })
    }

    private func handshakeDeadlinePassed() {
        if state == .checking { fail(.dtls(.handshake)) }
    }

    private func receive(_ datagram: [UInt8]) {
        guard let first = datagram.first, state == .checking || state == .connected else { return }
        switch first {
        case 20...63:
            guard let dtls else { return }
            if dtls.role == .server && !dtlsStarted {
                dtlsStarted = true
                scheduleRetransmissions()
            }
            apply(dtls.receive(datagram))
        case 128...191:
            guard let srtp, datagram.count >= 8 else {
                droppedPackets += 1
                return
            }
            let isRTCP = (192...223).contains(datagram[1])
            do {
                let packet = isRTCP ? Packet.rtcp(try srtp.unprotectRTCP(datagram)) : .rtp(try srtp.unprotectRTP(datagram))
                packetSink.yield(packet)
            } catch {
                droppedPackets += 1
            }
        default:
            return
        }
    }

    private func apply(_ output: DtlsSession.Output) {
        for datagram in output.datagrams { ice.send(datagram) }
        if let keys = output.keys {
            do {
                srtp = try SrtpSession(keys: keys)
                srtpProfile = keys.profile
                move(to: .connected)
            } catch {
                fail(.srtp)
            }
        }
        if let dtls {
            switch dtls.phase {
            case .failed(let reason): fail(.dtls(reason))
            case .closed where state == .connected:
                // The peer sent close_notify: the call is over for both of us.
                closedByPeer = true
                close()
            default: break
            }
        }
    }

    /// Drives DTLS retransmissions while the handshake is in flight (RFC 6347 §4.2.4).
    private func scheduleRetransmissions() {
        tasks.append(Task { [weak self] in
            while !Task.isCancelled {
                guard let wait = await self?.retransmissionDelay() else { return }
                try? await Task.sleep(for: wait)
                await self?.retransmitIfDue()
            }
        })
    }

    private func retransmissionDelay() -> Duration? {
        guard let dtls, dtls.phase == .handshaking, state == .checking else { return nil }
        let next = dtls.nextTimeout ?? .milliseconds(50)
        return max(next, .milliseconds(5))
    }

    private func retransmitIfDue() {
        guard let dtls, dtls.phase == .handshaking else { return }
        apply(dtls.handleTimeout())
    }

    private func fail(_ reason: Failure) {
        guard state == .new || state == .checking || state == .connected else { return }
        failure = reason
        move(to: .failed)
    }

    private func move(to next: State) {
        guard state != next else { return }
        state = next
        stateSink.yield(next)
    }
}
