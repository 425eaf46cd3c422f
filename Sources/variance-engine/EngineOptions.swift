import Logging
import VarianceRPC
import VarianceRPCServer

/// The engine's command line:
/// `variance-engine [--data-dir DIR] [--config FILE] [--listen MULTIADDR]... [--log-level LEVEL]
/// [--framing ndjson|lsp] [--openrpc] [--version] [--help]`.
///
/// Parsed by hand: it is a handful of flags, and the engine's start-up time is a feature.
struct EngineOptions {
    var dataDirectory: String?
    var configFile: String?
    var listen: [String] = []
    var logLevel: Logger.Level?
    var framing: Framing = .lineDelimited
    var printOpenRPC = false

    enum Outcome {
        case run(EngineOptions)
        case exit(String, Int32)
    }

    static let usage = """
        USAGE: variance-engine [--data-dir DIR] [--config FILE] [--listen MULTIADDR]...
                               [--log-level LEVEL] [--framing ndjson|lsp] [--openrpc] [--version]

        Speaks JSON-RPC 2.0 on standard input and output (one JSON value per line, or
        LSP Content-Length framing, detected per message). Logs go to standard error.

        OPTIONS:
          --data-dir DIR        Data directory (default: $XDG_DATA_HOME/variance)
          --config FILE         Configuration file (default: DIR/config.yaml)
          --listen MULTIADDR    libp2p listen address (repeatable)
          --log-level LEVEL     trace, debug, info, notice, warning, error, critical
                                (default: $VARIANCE_LOG, else warning)
          --framing KIND        Framing of notifications sent before the first request
                                (ndjson or lsp; default ndjson)
          --openrpc             Print the OpenRPC document and exit
          --version             Print the version and exit
          -h, --help            Show this help

        """

    static func parse(_ arguments: [String]) -> Outcome {
        var options = EngineOptions()
        var index = 0
        func value(_ flag: String) -> String? {
            index += 1
            return index < arguments.count ? arguments[index] : nil
        }
        while index < arguments.count {
            var argument = arguments[index]
            var inline: String?
            if argument.hasPrefix("--"), let eq = argument.firstIndex(of: "=") {
                inline = String(argument[argument.index(after: eq)...])
                argument = String(argument[..<eq])
            }
            func take() -> String? { inline ?? value(argument) }
            switch argument {
            case "--data-dir":
                guard let v = take() else { return .exit("error: --data-dir needs a directory\n\(usage)", 64) }
                options.dataDirectory = v
            case "--config":
                guard let v = take() else { return .exit("error: --config needs a file\n\(usage)", 64) }
                options.configFile = v
            case "--listen":
                guard let v = take() else { return .exit("error: --listen needs a multiaddr\n\(usage)", 64) }
                options.listen.append(v)
            case "--log-level":
                guard let v = take(), let level = Logger.Level(rawValue: v) else {
                    return .exit("error: --log-level needs one of trace, debug, info, notice, warning, error, critical\n", 64)
                }
                options.logLevel = level
            case "--framing":
                switch take() {
                case "ndjson": options.framing = .lineDelimited
                case "lsp": options.framing = .contentLength
                default: return .exit("error: --framing needs ndjson or lsp\n", 64)
                }
            case "--openrpc": options.printOpenRPC = true
            case "--version": return .exit("variance-engine \(EngineVersion.version)\n", 0)
            case "-h", "--help": return .exit(usage, 0)
            default: return .exit("error: unknown argument '\(argument)'\n\(usage)", 64)
            }
            index += 1
        }
        return .run(options)
    }
}
