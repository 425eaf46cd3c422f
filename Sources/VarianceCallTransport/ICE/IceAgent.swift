import CNice
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// An ICE agent (RFC 8445 full mode, through libnice) with one stream of one component:
/// with BUNDLE and rtcp-mux, RTP, RTCP and DTLS all share it.
///
/// libnice runs on a GLib main loop owned by this agent, on its own thread; its signals are
/// turned into the `AsyncStream`s below. libnice's agent has its own lock, so `send` and the
/// set-up calls may come from any thread.
///
///     new ──gather()──▶ gathering ──remote candidates──▶ checking ──▶ connected
///                                                            │            │
///                                                            └──▶ failed ◀┘ (consent lost)
///     any state ──close()──▶ closed
///
/// Call `close()` when done: the GLib callbacks keep the agent alive until then.
public final class IceAgent: Sendable {
    /// The agent's view of its one component.
    public enum State: Sendable, Hashable {
        case new, gathering, checking, connected, failed, closed
    }

    /// Errors of set-up calls; no addresses or credentials in them.
    public struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        public let description: String
        static let closed = Failure(description: "the ICE agent is closed")
        static let agentCreation = Failure(description: "libnice could not create the agent")
        static let badServer = Failure(description: "a STUN or TURN server address could not be resolved")
        static let relayRejected = Failure(description: "libnice refused the TURN server settings")
        static let gatherFailed = Failure(description: "libnice could not start gathering candidates")
        static let badCredentials = Failure(description: "the remote ICE credentials were refused")
        static let noUsableCandidate = Failure(description: "none of the remote candidates could be used")
    }

    /// Local candidates as they are found (trickle). Only candidates allowed by the policy appear;
    /// the stream finishes when gathering is done.
    public let localCandidates: AsyncStream<IceCandidate>
    /// State changes, newest kept when the reader is slow.
    public let states: AsyncStream<State>
    /// Datagrams that arrived on the component (STUN is consumed by libnice). At most 512 are
    /// buffered; beyond that the oldest are dropped, as a network would.
    public let datagrams: AsyncStream<[UInt8]>

    /// Local ICE username fragment and password, to be signalled.
    public let localUsernameFragment: String
    public let localPassword: String
    public let configuration: IceConfiguration

    let handles: Handles
    let streamID: guint
    let shared: Mutex<Shared>
    let candidateSink: AsyncStream<IceCandidate>.Continuation
    let stateSink: AsyncStream<State>.Continuation
    let datagramSink: AsyncStream<[UInt8]>.Continuation

    struct Handles: @unchecked Sendable {
        // libnice's agent is internally locked; the loop and context are only used to stop the thread.
        let agent: OpaquePointer
        let context: OpaquePointer
        let loop: OpaquePointer
        let thread: UnsafeMutablePointer<GThread>
    }

    struct Shared {
        var state: State = .new
        var gathered: [IceCandidate] = []
        var gatheringDone = false
        var gatherWaiters: [CheckedContinuation<[IceCandidate], any Error>] = []
        var closed = false
    }

    static let componentID: guint = 1

    public init(configuration: IceConfiguration) throws {
        self.configuration = configuration
        (localCandidates, candidateSink) = AsyncStream.makeStream(of: IceCandidate.self)
        (states, stateSink) = AsyncStream.makeStream(of: State.self, bufferingPolicy: .bufferingNewest(32))
        (datagrams, datagramSink) = AsyncStream.makeStream(of: [UInt8].self, bufferingPolicy: .bufferingNewest(512))
        shared = Mutex(Shared())

        // Resolve servers before creating anything that would need cleaning up.
        let stun = try configuration.stunServers.first.map { (try Self.resolve($0.host), $0.port) }
        let turns = try configuration.turnServers.map { (try Self.resolve($0.host), $0) }

        let context = g_main_context_new()!
        var options = NICE_AGENT_OPTION_NONE.rawValue
        if configuration.nomination == .regular { options |= NICE_AGENT_OPTION_REGULAR_NOMINATION.rawValue }
        if configuration.consentFreshness { options |= NICE_AGENT_OPTION_CONSENT_FRESHNESS.rawValue }
        guard let agent = nice_agent_new_full(context, NICE_COMPATIBILITY_RFC5245, NiceAgentOption(options)) else {
            g_main_context_unref(context)
            throw Failure.agentCreation
        }
        cnice_set_bool(agent, "controlling-mode", configuration.controlling ? 1 : 0)
        cnice_set_bool(agent, "upnp", 0)
        cnice_set_bool(agent, "ice-tcp", 0)
        cnice_set_bool(agent, "ice-udp", 1)
        cnice_set_bool(agent, "force-relay", configuration.relayOnly ? 1 : 0)
        if let (ip, port) = stun {
            cnice_set_string(agent, "stun-server", ip)
            cnice_set_uint(agent, "stun-server-port", guint(port))
        }
        for address in configuration.hostAddresses ?? [] {
            if let niceAddress = nice_address_new() {
                if nice_address_set_from_string(niceAddress, address) != 0 {
                    nice_agent_add_local_address(agent, niceAddress)
                }
                nice_address_free(niceAddress)
            }
        }
        let streamID = nice_agent_add_stream(agent, 1)
        nice_agent_set_stream_name(agent, streamID, "audio")
        for (ip, server) in turns {
            let accepted = nice_agent_set_relay_info(
                agent, streamID, Self.componentID, ip, guint(server.port), server.username, server.credential,
                NICE_RELAY_TYPE_TURN_UDP)
            if accepted == 0 {
                g_object_unref(UnsafeMutableRawPointer(agent))
                g_main_context_unref(context)
                throw Failure.relayRejected
            }
        }
        var ufrag: UnsafeMutablePointer<gchar>?
        var pwd: UnsafeMutablePointer<gchar>?
        nice_agent_get_local_credentials(agent, streamID, &ufrag, &pwd)
        localUsernameFragment = ufrag.map { String(cString: $0) } ?? ""
        localPassword = pwd.map { String(cString: $0) } ?? ""
        g_free(ufrag)
        g_free(pwd)

        let loop = g_main_loop_new(context, 0)!
        let thread = g_thread_new("variance-ice", { loop in
            g_main_loop_run(OpaquePointer(loop))
            return nil
        }, UnsafeMutableRawPointer(loop))!
        handles = Handles(agent: agent, context: context, loop: loop, thread: thread)
        self.streamID = streamID

        // The callbacks hold a reference until close().
        let token = Unmanaged.passRetained(self).toOpaque()
        _ = cnice_on_gathering_done(agent, iceGatheringDone, token)
        _ = cnice_on_state_changed(agent, iceStateChanged, token)
        _ = cnice_on_new_candidate(agent, iceNewCandidate, token)
        nice_agent_attach_recv(agent, streamID, Self.componentID, context, iceReceived, token)
    }

    /// Starts gathering and returns every local candidate allowed by the policy once gathering is
    /// done. Candidates also appear one by one on `localCandidates`.
    public func gather() async throws -> [IceCandidate] {
        let start: Bool = try shared.withLock { shared in
            if shared.closed { throw Failure.closed }
            if shared.state == .new {
                shared.state = .gathering
                return true
            }
            return false
        }
        if start {
            stateSink.yield(.gathering)
            if nice_agent_gather_candidates(handles.agent, streamID) == 0 { throw Failure.gatherFailed }
        }
        return try await withCheckedThrowingContinuation { continuation in
            let result: Result<[IceCandidate], any Error>? = shared.withLock { shared in
                if shared.closed { return .failure(Failure.closed) }
                if shared.gatheringDone { return .success(shared.gathered) }
                shared.gatherWaiters.append(continuation)
                return nil
            }
            if let result { continuation.resume(with: result) }
        }
    }

    /// Sets the peer's ICE username fragment and password.
    public func setRemoteCredentials(usernameFragment: String, password: String) throws {
        guard !isClosed else { throw Failure.closed }
        if nice_agent_set_remote_credentials(handles.agent, streamID, usernameFragment, password) == 0 {
            throw Failure.badCredentials
        }
    }

    /// Adds remote candidates (all at once or trickled). Candidates we cannot use (TCP, other
    /// components, mDNS names) are skipped; throws only when none of a non-empty batch was usable.
    public func addRemoteCandidates(_ candidates: [IceCandidate]) throws {
        guard !isClosed else { throw Failure.closed }
        var list: UnsafeMutablePointer<GSList>?
        var parsed: [UnsafeMutablePointer<NiceCandidate>] = []
        for candidate in candidates {
            guard candidate.transport == "udp", candidate.component == Int(Self.componentID),
                !candidate.address.hasSuffix(".local")
            else { continue }
            guard let nice = nice_agent_parse_remote_candidate_sdp(handles.agent, streamID, "a=" + candidate.sdpAttribute)
            else { continue }
            parsed.append(nice)
            list = g_slist_append(list, nice)
        }
        defer {
            g_slist_free(list)
            for nice in parsed { nice_candidate_free(nice) }
        }
        if parsed.isEmpty {
            if candidates.isEmpty { return }
            throw Failure.noUsableCandidate
        }
        if nice_agent_set_remote_candidates(handles.agent, streamID, Self.componentID, list) < 0 {
            throw Failure.noUsableCandidate
        }
    }

    /// Sends one datagram on the selected pair; `false` when nothing could be sent yet.
    @discardableResult
    public func send(_ datagram: [UInt8]) -> Bool {
        guard !datagram.isEmpty, datagram.count <= 65_535, !isClosed else { return false }
        let sent = datagram.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: gchar.self, capacity: buffer.count) { pointer in
                nice_agent_send(handles.agent, streamID, Self.componentID, guint(buffer.count), pointer)
            }
        }
        return sent == Int32(datagram.count)
    }

    /// The pair ICE selected, once connected.
    public func selectedPair() -> (local: IceCandidate, remote: IceCandidate)? {
        guard !isClosed else { return nil }
        var local: UnsafeMutablePointer<NiceCandidate>?
        var remote: UnsafeMutablePointer<NiceCandidate>?
        guard nice_agent_get_selected_pair(handles.agent, streamID, Self.componentID, &local, &remote) != 0,
            let local, let remote,
            let localCandidate = candidate(from: local), let remoteCandidate = candidate(from: remote)
        else { return nil }
        return (localCandidate, remoteCandidate)
    }

    public var state: State { shared.withLock { $0.state } }

    var isClosed: Bool { shared.withLock { $0.closed } }

    /// Stops the agent and its thread; idempotent. Streams finish.
    public func close() {
        let waiters: [CheckedContinuation<[IceCandidate], any Error>]? = shared.withLock { shared in
            if shared.closed { return nil }
            shared.closed = true
            shared.state = .closed
            defer { shared.gatherWaiters = [] }
            return shared.gatherWaiters
        }
        guard let waiters else { return }
        let token = Unmanaged.passUnretained(self).toOpaque()
        cnice_disconnect_all(handles.agent, token)
        // Quit from inside the loop: a quit sent before the thread entered g_main_loop_run is lost.
        // High priority, or a socket that stays readable would starve it.
        let quit = g_idle_source_new()!
        g_source_set_priority(quit, G_PRIORITY_HIGH)
        g_source_set_callback(quit, { loop in
            g_main_loop_quit(OpaquePointer(loop))
            return 0
        }, UnsafeMutableRawPointer(handles.loop), nil)
        g_source_attach(quit, handles.context)
        g_source_unref(quit)
        g_thread_join(handles.thread)
        nice_agent_attach_recv(handles.agent, streamID, Self.componentID, handles.context, nil, nil)
        nice_agent_remove_stream(handles.agent, streamID)
        g_object_unref(UnsafeMutableRawPointer(handles.agent))
        g_main_loop_unref(handles.loop)
        g_main_context_unref(handles.context)
        for waiter in waiters { waiter.resume(throwing: Failure.closed) }
        stateSink.yield(.closed)
        stateSink.finish()
        candidateSink.finish()
        datagramSink.finish()
        Unmanaged.passUnretained(self).release()
    }

    static func resolve(_ host: String) throws -> String {
        if let address = nice_address_new() {
            defer { nice_address_free(address) }
            if nice_address_set_from_string(address, host) != 0 { return host }
        }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { throw Failure.badServer }
        defer { freeaddrinfo(result) }
        var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        guard getnameinfo(first.pointee.ai_addr, first.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0,
            NI_NUMERICHOST) == 0
        else { throw Failure.badServer }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
