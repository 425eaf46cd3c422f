import ArgumentParser

/// The default command: lines of requests from standard input. On a terminal (or with
/// `--repl`) an interactive prompt; otherwise one compact JSON line per reply.
struct SessionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "session",
        abstract: "Send requests line by line (the default command).",
        usage: "rpc-client [session] [--repl] [--notifications] [--dry-run] [--engine <path>] [--data-dir <dir>] [-- <command> ...]",
        discussion: """
            On a terminal: a prompt with editing, history and tab completion; replies and \
            notifications are printed as they arrive. Otherwise each input line is sent and each \
            reply printed as one compact JSON line; the client exits once input has ended and the \
            engine has answered everything and exited.
            """)

    @Flag(help: "Interactive output even when standard input is not a terminal.")
    var repl = false

    @Flag(help: "Without a terminal: print notifications as well as replies.")
    var notifications = false

    @Flag(name: .customLong("dry-run"), help: "Print the request each input line becomes; start no engine.")
    var dryRun = false

    @OptionGroup var engine: EngineOptions

    func run() throws {
        if dryRun { throw ExitCode(DryRun.printRequests()) }
        let argv: [String]
        do { argv = try engine.commandLine() } catch {
            Console.err("rpc-client: \(error)")
            throw ExitCode(ExitStatus.engineUnavailable)
        }
        let status =
            repl || Console.isTerminal(0)
            ? InteractiveSession(argv: argv).run()
            : PipeSession(argv: argv, showsNotifications: notifications).run()
        if status != ExitStatus.success { throw ExitCode(status) }
    }
}
