// The idle timeout: a connection with no open stream and no traffic for
// SwarmConfiguration.idleTimeout says GoAway and closes.
//
//   traffic or streams ──▶ sleep until lastActivity + idleTimeout ──▶ idle? ── no ─┐
//          ▲                                                            │ yes       │
//          └────────────────────────────────────────────────────────────┼──────────┘
//                                                                       ▼
//                                                              GoAway, then close
extension MuxedConnection {
    /// Whether nothing is open: no stream in yamux and no stream state in the shell.
    var hasNoStreams: Bool { streams.isEmpty && session.openStreamCount == 0 }

    /// Closes the connection (GoAway, then close) once it has had no open stream and no
    /// traffic for ``SwarmConfiguration/idleTimeout``. Returns when the connection closes,
    /// when the task is cancelled, or at once if the timeout is nil.
    ///
    /// While streams are open it checks again one timeout later, so an idle connection is
    /// closed between one and two timeouts after its last stream state went away.
    func closeWhenIdle() async {
        guard let idleTimeout = configuration.idleTimeout else { return }
        let clock = ContinuousClock()
        while !closed {
            let deadline = lastActivity.advanced(by: idleTimeout)
            let now = clock.now
            if deadline <= now, hasNoStreams {
                logger.debug("Closing an idle connection", metadata: ["peer": "\(remotePeer)"])
                close()
                return
            }
            let wake = deadline > now ? deadline : now.advanced(by: idleTimeout)
            do { try await Task.sleep(until: wake, clock: clock) } catch { return }
        }
    }
}
