import ArgumentParser
import VarianceRPC

/// `rpc-client call METHOD [key=value ...]`: one request, for scripts.
struct CallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "call",
        abstract: "Send one request and print its result.",
        usage: "rpc-client call <method> [<key=value> ...] [--compact] [--timeout <seconds>] [--dry-run] [--engine <path>] [--data-dir <dir>] [-- <command> ...]",
        discussion: """
            Waits for engine.ready, sends the request, prints the result (indented JSON, or one \
            line with --compact) and exits 0. A JSON-RPC error goes to standard error with exit \
            status 1; a usage error exits 2; an engine that cannot start, dies or times out, 3. \
            Notifications are ignored.
            """)

    @Argument(help: "The method, e.g. engine.info.")
    var method: String

    @Argument(help: ArgumentHelp(
        "Params: key=value (JSON if the value parses as JSON, else a string), key:=json, key='text'.",
        valueName: "key=value"))
    var params: [String] = []

    @Flag(help: "Print the result as one line of JSON.")
    var compact = false

    @Option(help: ArgumentHelp(
        "Give up (exit 3) after this many seconds waiting for engine.ready, and again for the reply.",
        valueName: "seconds"))
    var timeout: Double?

    @Flag(name: .customLong("dry-run"), help: "Print the request instead of sending it; start no engine.")
    var dryRun = false

    @OptionGroup var engine: EngineOptions

    func validate() throws {
        _ = try namedParams()
        if let timeout, !(timeout > 0) { throw ValidationError("--timeout must be a positive number of seconds.") }
    }

    func run() throws {
        let params = try namedParams()
        if dryRun {
            var envelope = RequestEnvelope()
            let request = envelope.frame(for: .call(method: method, params: params)) ?? .null
            Console.out(compact ? request.compactString : request.prettyString())
            return
        }
        let argv: [String]
        do { argv = try engine.commandLine() } catch {
            Console.err("rpc-client: \(error)")
            throw ExitCode(ExitStatus.engineUnavailable)
        }
        let session = CallSession(
            argv: argv, method: method, params: params, compact: compact,
            timeout: timeout.map { Duration.milliseconds(Int64($0 * 1000)) })
        let status = session.run()
        if status != ExitStatus.success { throw ExitCode(status) }
    }

    /// The params, parsed one argument at a time (the shell has already split them).
    private func namedParams() throws -> JSONObject {
        var object = JSONObject()
        for argument in params {
            do {
                let param = try ParamArgument.parse(argument)
                object[param.key] = param.value
            } catch {
                throw ValidationError(error.description)
            }
        }
        return object
    }
}
