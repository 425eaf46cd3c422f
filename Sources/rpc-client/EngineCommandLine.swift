/// The client's command line split at the first `--`: what ArgumentParser parses, and the
/// exact command line to start instead of the engine (ArgumentParser cannot take a
/// pass-through command after the repeated `key=value` arguments of `call`).
enum EngineCommandLine {
    /// The client's own arguments (without the program name), before the first `--`.
    static var clientArguments: [String] {
        Array(CommandLine.arguments.dropFirst().prefix { $0 != "--" })
    }

    /// The words after the first `--`; empty when there is no `--`.
    static var passThrough: [String] {
        guard let terminator = CommandLine.arguments.dropFirst().firstIndex(of: "--") else { return [] }
        return Array(CommandLine.arguments[(terminator + 1)...])
    }
}
