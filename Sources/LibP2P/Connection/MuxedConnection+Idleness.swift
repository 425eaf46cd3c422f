// The idle timeout: a connection with no open stream and no traffic for
// SwarmConfiguration.idleTimeout says GoAway and closes. One sweeper task per swarm looks at
// every connection a few times per timeout (a task per connection cost memory: each
// reservation on a relay is a connection that is idle most of the time).
//
//   sweeper, every idleTimeout / 4 ──▶ each connection: no streams and quiet for idleTimeout?
//                                          │ yes                         │ no
//                                          ▼                             ▼
//                                   GoAway, then close              look again later
extension MuxedConnection {
    /// Whether nothing is open: no stream in yamux and no stream state in the shell.
    var hasNoStreams: Bool { streams.isEmpty && session.openStreamCount == 0 }

    /// Closes the connection (GoAway, then close) if it has had no open stream and no
    /// traffic for `idleTimeout` at `now`; says whether it did.
    @discardableResult
    func closeIfIdle(now: ContinuousClock.Instant, idleTimeout: Duration) -> Bool {
        guard !closed, hasNoStreams, lastActivity.advanced(by: idleTimeout) <= now else { return false }
        logger.debug("Closing an idle connection", metadata: ["peer": "\(remotePeer)"])
        close()
        return true
    }
}

extension Swarm {
    /// Starts the idle sweeper once (when the first connection registers).
    func startIdleSweeper() {
        guard idleSweeper == nil, let idleTimeout = configuration.idleTimeout else { return }
        let interval = max(idleTimeout / 4, .milliseconds(50))
        idleSweeper = Task { [weak self] in
            while !Task.isCancelled {
                do { try await Task.sleep(for: interval) } catch { return }
                guard let self else { return }
                for connection in await self.allConnections {
                    await connection.closeIfIdle(now: .now, idleTimeout: idleTimeout)
                }
            }
        }
    }

    var allConnections: [MuxedConnection] { connections.values.flatMap { $0 } }
}
