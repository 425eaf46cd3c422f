import VarianceRPC

/// `rpc-client call`: start the engine, wait for `engine.ready`, send one request, print
/// its result, close the engine's input and wait for it to exit. Notifications are ignored.
struct CallSession {
    /// The engine's command line.
    var argv: [String]
    /// The request's method and params.
    var method: String
    var params: JSONObject
    /// One line of JSON instead of indented JSON.
    var compact: Bool
    /// How long to wait for `engine.ready` and then for the reply; nil waits for ever.
    var timeout: Duration?

    /// Runs the call; returns the exit status (see ``ExitStatus``).
    func run() -> Int32 {
        let startDeadline = timeout.map { ContinuousClock.now + $0 }
        let link: EngineLink
        do { link = try EngineStartup.start(argv, until: startDeadline).link } catch {
            Console.err("rpc-client: \(error)")
            return ExitStatus.engineUnavailable
        }
        var envelope = RequestEnvelope()
        guard let request = envelope.frame(for: .call(method: method, params: params)), let id = request["id"]
        else { preconditionFailure("a call always has an id") }
        link.send(request)

        let replyDeadline = timeout.map { ContinuousClock.now + $0 }
        var status: Int32?
        while status == nil {
            switch link.next(until: replyDeadline) {
            case .frame(let frame):
                guard case .reply(id, let outcome) = EngineMessage(frame) else { continue }
                status = report(outcome)
            case .noise(let text):
                EngineLink.warnAboutNoise(text)
            case .engineClosed:
                let exit = link.process.waitForExit()
                Console.err("rpc-client: the engine \(exit) before it answered \(method).")
                return ExitStatus.engineUnavailable
            case .timedOut:
                link.process.terminate()
                _ = link.shutDown()
                Console.err("rpc-client: no answer to \(method) in time; the engine was stopped.")
                return ExitStatus.engineUnavailable
            case .inputReadable, .interrupted:
                continue
            }
        }
        let exit = link.shutDown()
        if !exit.isClean { Console.err("rpc-client: warning: the engine \(exit).") }
        return status ?? ExitStatus.engineUnavailable
    }

    /// Prints a result on standard output or an error on standard error.
    private func report(_ outcome: Result<JSON, RPCError>) -> Int32 {
        switch outcome {
        case .success(let result):
            Console.out(compact ? result.compactString : result.prettyString())
            return ExitStatus.success
        case .failure(let error):
            Console.err("rpc-client: \(error.message) (error \(error.code))")
            if let data = error.data { Console.err(data.compactString) }
            return ExitStatus.callFailed
        }
    }
}
