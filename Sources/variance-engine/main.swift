import Logging
import VarianceEngine
import VarianceRPC
import VarianceRPCServer

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// variance-engine: JSON-RPC 2.0 on stdin/stdout. See rpc-spec/openrpc.json.

let options: EngineOptions
switch EngineOptions.parse(Array(CommandLine.arguments.dropFirst())) {
case .run(let parsed): options = parsed
case .exit(let text, let code):
    let bytes = Array(text.utf8)
    _ = bytes.withUnsafeBytes { write(code == 0 ? 1 : 2, $0.baseAddress, $0.count) }
    exit(code)
}

if options.printOpenRPC {
    let bytes = OpenRPCDocument.bytes
    _ = bytes.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
    exit(0)
}

let rpcFD = StandardStreams.protectStandardOutput()
let level = options.logLevel ?? getenv("VARIANCE_LOG").flatMap { Logger.Level(rawValue: String(cString: $0)) } ?? .warning
LoggingSystem.bootstrap { label in
    var handler = StreamLogHandler.standardError(label: label)
    handler.logLevel = level
    return handler
}
let logger = Logger(label: "variance-engine")

var configuration = EngineConfiguration(dataDirectory: options.dataDirectory, configFile: options.configFile)
do {
    for warning in try ConfigFile.apply(to: &configuration) { logger.warning("\(warning)") }
} catch {
    logger.critical("\(error.message)")
    let writer = OutputWriter(fd: rpcFD)
    writer.send(RPCFrame.notification(method: EngineNotification.failed, params: ["reason": .string(error.message)]),
                framing: .lineDelimited)
    exit(1)
}
configuration.listenAddresses += options.listen

EngineHost.run(configuration: configuration, logger: logger, inputFD: 0, outputFD: rpcFD, framing: options.framing)
