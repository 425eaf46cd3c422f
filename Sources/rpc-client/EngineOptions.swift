import ArgumentParser

/// Which engine to start: `--engine PATH` and `--data-dir DIR`, or an exact command line
/// after `--` (see ``EngineCommandLine``).
struct EngineOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The engine executable (default: variance-engine next to rpc-client, else on PATH).",
        valueName: "path"))
    var engine: String?

    @Option(name: .customLong("data-dir"), help: ArgumentHelp(
        "The engine's data directory (passed on as --data-dir).", valueName: "dir"))
    var dataDirectory: String?

    /// After `--`: the exact command line to start instead of the engine.
    var command: [String] { EngineCommandLine.passThrough }

    func validate() throws {
        if !command.isEmpty && (engine != nil || dataDirectory != nil) {
            throw ValidationError(
                "--engine and --data-dir do not apply to a command given after --; put its options after -- instead.")
        }
    }

    /// The command line to start.
    func commandLine() throws(EngineUnavailable) -> [String] {
        if !command.isEmpty { return command }
        let path: String
        if let engine { path = engine } else { path = try EngineLocator.defaultEnginePath() }
        return [path] + (dataDirectory.map { ["--data-dir", $0] } ?? [])
    }
}
