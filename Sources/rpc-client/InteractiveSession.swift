#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import VarianceRPC

/// The interactive session: a prompt with line editing, history and completion (libedit on a
/// terminal, plain lines with `--repl` otherwise); replies and notifications are printed,
/// indented, as they arrive. `:quit` or Ctrl-D closes the engine's input and waits for it.
struct InteractiveSession {
    /// The engine's command line.
    var argv: [String]
    /// The prompt.
    static let prompt = "variance> "
    /// The id of the client's own `rpc.discover` request (its reply is not shown).
    private static let discoverID: JSON = "rpc-client:discover"

    /// Runs until the user is done and the engine has exited; returns the exit status.
    func run() -> Int32 {
        let display = FrameDisplay(usesColor: Console.usesColor)
        let link: EngineLink
        do {
            let started = try EngineStartup.start(argv)
            link = started.link
            Console.out(display.text(for: EngineMessage(started.ready)))
        } catch {
            Console.err("rpc-client: \(error)")
            return ExitStatus.engineUnavailable
        }
        link.send(["jsonrpc": "2.0", "id": Self.discoverID, "method": "rpc.discover"])

        let isTerminal = Console.isTerminal(STDIN_FILENO)
        let input: PromptInput =
            isTerminal
            ? TerminalPrompt(prompt: Self.prompt, historyPath: TerminalPrompt.defaultHistoryPath)
            : PlainPrompt(fd: STDIN_FILENO)
        if isTerminal { InterruptSignal.install() }
        var catalog = MethodCatalog()
        var envelope = RequestEnvelope()
        /// The ids of `:replay` requests in flight, with their `after`.
        var replays: [Int64: Int64] = [:]
        var inputOpen = true

        loop: while true {
            switch link.next(watching: inputOpen ? STDIN_FILENO : nil) {
            case .inputReadable:
                let (lines, ended) = input.readAvailable()
                var quit = ended
                for line in lines where !quit {
                    quit = handle(
                        line, link: link, envelope: &envelope, replays: &replays, catalog: catalog, input: input,
                        display: display)
                }
                if quit {
                    inputOpen = false
                    input.close()
                    if isTerminal { InterruptSignal.uninstall() }
                    link.finishInput()
                }
            case .frame(let frame):
                let message = EngineMessage(frame)
                if case .reply(Self.discoverID, let outcome) = message {
                    switch outcome {
                    case .success(let document):
                        catalog = MethodCatalog(openRPC: document)
                        LineCompletion.update(catalog)
                    case .failure(let error):
                        input.show(display.problem("(rpc.discover failed, so no tab completion: \(error.message))"))
                    }
                } else if case .reply(let id, let outcome) = message, let number = id.intValue,
                    let after = replays.removeValue(forKey: number)
                {
                    input.show(display.replay(after: after, id: id, outcome: outcome))
                } else {
                    input.show(display.text(for: message))
                }
            case .noise(let text):
                input.show(display.problem("the engine wrote a line that is not JSON: \(text.prefix(500))"))
            case .interrupted:
                input.interrupt()
            case .engineClosed:
                break loop
            case .timedOut:
                continue
            }
        }
        input.close()
        let exit = link.process.waitForExit()
        if inputOpen || !exit.isClean { Console.err("rpc-client: the engine \(exit).") }
        return exit.isClean ? ExitStatus.success : ExitStatus.engineUnavailable
    }

    /// Acts on one line; returns true when the user asked to quit.
    private func handle(
        _ line: String, link: EngineLink, envelope: inout RequestEnvelope, replays: inout [Int64: Int64],
        catalog: MethodCatalog, input: PromptInput, display: FrameDisplay
    ) -> Bool {
        let request: RequestLine
        do {
            switch try ReplCommand.parse(line) {
            case nil:
                request = try RequestLine.parse(line)
            case .quit:
                return true
            case .help(nil):
                input.show(ReplHelp.overview)
                return false
            case .help(let name?):
                if let method = catalog.method(named: name) {
                    input.show(ReplHelp.describe(method))
                } else {
                    input.show(display.problem("The engine has no method '\(name)'; :methods lists them."))
                }
                return false
            case .methods:
                input.show(catalog.names.isEmpty ? "(rpc.discover has not answered)" : catalog.names.joined(separator: "\n"))
                return false
            case let command?:
                guard let shorthand = command.request else { return false }
                request = shorthand
                if case .replay(let after) = command { replays[envelope.nextID] = after }
            }
        } catch {
            input.show(display.problem("\(error)"))
            return false
        }
        if let frame = envelope.frame(for: request) { link.send(frame) }
        return false
    }
}
