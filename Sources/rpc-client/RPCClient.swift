#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser

/// `rpc-client`: talk JSON-RPC to a `variance-engine` it starts, from a terminal or a script.
/// See docs/RPC-CLIENT.md.
@main
struct RPCClient: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rpc-client",
        abstract: "Start a variance-engine and talk JSON-RPC to it.",
        usage: """
            rpc-client [--repl] [--notifications] [--engine <path>] [--data-dir <dir>] [-- <command> ...]
            rpc-client call <method> [<key=value> ...] [--compact] [--timeout <seconds>] [--engine <path>] [--data-dir <dir>] [-- <command> ...]
            """,
        discussion: """
            With `-- <command> ...`, that exact command line is started instead of variance-engine. \
            Lines are either raw JSON (a request or a batch) or `method key=value ...`. \
            Exit status: 0 success, 1 the call got a JSON-RPC error, 2 usage error, \
            3 the engine could not start, failed or died.
            """,
        subcommands: [SessionCommand.self, CallCommand.self],
        defaultSubcommand: SessionCommand.self)

    /// Parses the command line and runs; usage errors exit with status 2, not 64.
    static func main() {
        // A closed pipe is reported by write(2); it must not kill the client.
        signal(SIGPIPE, SIG_IGN)
        do {
            var command = try parseAsRoot(EngineCommandLine.clientArguments)
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                Console.err(fullMessage(for: error))
                Self.exit(withError: ExitCode(ExitStatus.usage))
            }
            Self.exit(withError: error)
        }
    }
}
