import VarianceRPC

/// Standard input is not a terminal (and no `call`): each input line is sent as it comes,
/// each reply is printed as one compact JSON line, in the order replies arrive. At the end
/// of input the engine's input is closed; the engine answers what is in flight and exits,
/// and so does the client. Scriptable.
struct PipeSession {
    /// The engine's command line.
    var argv: [String]
    /// Print notifications too (one compact line each), not only replies.
    var showsNotifications: Bool

    /// Runs until the engine exits; returns the exit status (see ``ExitStatus``).
    func run() -> Int32 {
        let link: EngineLink
        do { link = try EngineStartup.start(argv).link } catch {
            Console.err("rpc-client: \(error)")
            return ExitStatus.engineUnavailable
        }
        var input = InputLines(fd: 0)
        var envelope = RequestEnvelope()
        var inputOpen = true
        var lineNumber = 0
        var rejectedLines = 0
        loop: while true {
            switch link.next(watching: inputOpen ? 0 : nil) {
            case .inputReadable:
                let (lines, ended) = input.readAvailable()
                for line in lines {
                    lineNumber += 1
                    do {
                        if let frame = envelope.frame(for: try RequestLine.parse(line)) { link.send(frame) }
                    } catch {
                        rejectedLines += 1
                        Console.err("rpc-client: line \(lineNumber): \(error)")
                    }
                }
                if ended {
                    inputOpen = false
                    link.finishInput()
                }
            case .frame(let frame):
                if !showsNotifications && EngineMessage(frame).notificationMethod != nil { continue }
                Console.out(frame.compactString)
            case .noise(let text):
                EngineLink.warnAboutNoise(text)
            case .engineClosed:
                break loop
            case .interrupted, .timedOut:
                continue
            }
        }
        let exit = link.process.waitForExit()
        guard exit.isClean else {
            Console.err("rpc-client: the engine \(exit).")
            return ExitStatus.engineUnavailable
        }
        if inputOpen { Console.err("rpc-client: the engine exited; the rest of the input was not sent.") }
        return rejectedLines > 0 ? ExitStatus.usage : ExitStatus.success
    }
}
