import CNice

// libnice's signals and receive callback, delivered on the agent's GLib thread.
extension IceAgent {
    func candidate(from nice: UnsafeMutablePointer<NiceCandidate>) -> IceCandidate? {
        guard let text = nice_agent_generate_local_candidate_sdp(handles.agent, nice) else { return nil }
        defer { g_free(text) }
        return IceCandidate(sdp: String(cString: text))
    }

    func allowed(_ candidate: IceCandidate) -> Bool {
        candidate.transport == "udp" && (!configuration.relayOnly || candidate.kind == .relayed)
    }

    func didFind(_ nice: UnsafeMutablePointer<NiceCandidate>) {
        guard let candidate = candidate(from: nice), allowed(candidate) else { return }
        let fresh = shared.withLock { shared in
            if shared.closed || shared.gathered.contains(candidate) { return false }
            shared.gathered.append(candidate)
            return true
        }
        if fresh { candidateSink.yield(candidate) }
    }

    func didFinishGathering() {
        // Collect everything libnice holds, in case a signal was missed.
        if let list = nice_agent_get_local_candidates(handles.agent, streamID, Self.componentID) {
            var node: UnsafeMutablePointer<GSList>? = list
            while let current = node {
                if let data = current.pointee.data {
                    didFind(data.assumingMemoryBound(to: NiceCandidate.self))
                }
                node = current.pointee.next
            }
            var free: UnsafeMutablePointer<GSList>? = list
            while let current = free {
                if let data = current.pointee.data { nice_candidate_free(data.assumingMemoryBound(to: NiceCandidate.self)) }
                free = current.pointee.next
            }
            g_slist_free(list)
        }
        let (waiters, candidates) = shared.withLock { shared in
            shared.gatheringDone = true
            defer { shared.gatherWaiters = [] }
            return (shared.gatherWaiters, shared.gathered)
        }
        candidateSink.finish()
        for waiter in waiters { waiter.resume(returning: candidates) }
    }

    func didChange(to niceState: guint) {
        let next: State?
        switch NiceComponentState(niceState) {
        case NICE_COMPONENT_STATE_CONNECTING: next = .checking
        case NICE_COMPONENT_STATE_CONNECTED, NICE_COMPONENT_STATE_READY: next = .connected
        case NICE_COMPONENT_STATE_FAILED: next = .failed
        default: next = nil
        }
        guard let next else { return }
        let changed = shared.withLock { shared in
            if shared.closed || shared.state == next { return false }
            shared.state = next
            return true
        }
        if changed { stateSink.yield(next) }
    }

    func didReceive(_ bytes: UnsafeRawBufferPointer) {
        datagramSink.yield(Array(bytes))
    }
}


func iceAgent(from token: gpointer?) -> IceAgent? {
    guard let token else { return nil }
    return Unmanaged<IceAgent>.fromOpaque(token).takeUnretainedValue()
}

func iceGatheringDone(_: OpaquePointer?, _: guint, _ token: gpointer?) {
    iceAgent(from: token)?.didFinishGathering()
}

func iceStateChanged(_: OpaquePointer?, _: guint, _: guint, _ state: guint, _ token: gpointer?) {
    iceAgent(from: token)?.didChange(to: state)
}

func iceNewCandidate(_: OpaquePointer?, _ candidate: UnsafeMutablePointer<NiceCandidate>?, _ token: gpointer?) {
    guard let candidate else { return }
    iceAgent(from: token)?.didFind(candidate)
}

func iceReceived(
    _: OpaquePointer?, _: guint, _: guint, _ length: guint, _ bytes: UnsafeMutablePointer<gchar>?, _ token: gpointer?
) {
    guard let bytes, length > 0 else { return }
    iceAgent(from: token)?.didReceive(UnsafeRawBufferPointer(start: bytes, count: Int(length)))
}
