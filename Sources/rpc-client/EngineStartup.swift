import VarianceRPC

/// Starts the engine and waits for `engine.ready`, the first thing it sends.
enum EngineStartup {
    /// Starts `argv` and returns the link and the `engine.ready` notification.
    ///
    /// Throws ``EngineUnavailable`` if the engine does not start, sends `engine.failed`,
    /// exits before it is ready, or (with a deadline) is not ready in time.
    static func start(
        _ argv: [String], until deadline: ContinuousClock.Instant? = nil
    ) throws(EngineUnavailable) -> (link: EngineLink, ready: JSON) {
        let link = EngineLink(process: try EngineProcess(argv: argv))
        while true {
            switch link.next(until: deadline) {
            case .frame(let frame):
                switch EngineMessage(frame) {
                case .notification("engine.ready", _):
                    return (link, frame)
                case .notification("engine.failed", let params):
                    let reason = params["reason"]?.stringValue ?? params.compactString
                    let exit = link.shutDown()
                    throw EngineUnavailable("The engine failed to start: \(reason) (it \(exit)).")
                default:
                    continue  // Nothing else should come first; ignore it.
                }
            case .noise(let text):
                EngineLink.warnAboutNoise(text)
            case .engineClosed:
                let exit = link.process.waitForExit()
                throw EngineUnavailable("The engine \(exit) before it was ready (its messages are above).")
            case .timedOut:
                link.process.terminate()
                _ = link.shutDown()
                throw EngineUnavailable("The engine did not report engine.ready in time; it was stopped.")
            case .inputReadable, .interrupted:
                continue
            }
        }
    }
}
