import Foundation

/// coturn's `turnserver` started by a test (Debian's coturn package), on a host address of
/// the root namespace or of a namespace the test made, with long-term credentials and a
/// throw-away configuration; `stop()` kills it and removes its files.
final class Coturn {
    static let path = "/usr/bin/turnserver"
    static var installed: Bool { FileManager.default.isExecutableFile(atPath: path) }

    let host: String
    let port: UInt16
    let username = "variance"
    let credential = "turn-secret"
    private let process = Process()
    private let directory: URL

    init(host: String = "127.0.0.1", port: UInt16? = nil, namespace: String? = nil) throws {
        self.host = host
        self.port = try port ?? freePort()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("variance-coturn-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let relayPorts = Int.random(in: 20_000...50_000)
        let lines = [
            "listening-ip=\(host)", "relay-ip=\(host)", "listening-port=\(self.port)", "min-port=\(relayPorts)",
            "max-port=\(relayPorts + 500)", "lt-cred-mech", "user=\(username):\(credential)", "realm=variance.test",
            "allow-loopback-peers", "no-cli", "no-tls", "no-dtls", "no-tcp-relay", "no-software-attribute",
            "userdb=\(directory.path)/turndb", "log-file=\(directory.path)/turn.log", "simple-log",
            "pidfile=\(directory.path)/turn.pid", "verbose",
        ]
        let config = directory.appendingPathComponent("turnserver.conf")
        try lines.joined(separator: "\n").write(to: config, atomically: true, encoding: .utf8)
        if let namespace {
            process.executableURL = URL(fileURLWithPath: NetworkNamespaces.ip)
            process.arguments = ["netns", "exec", namespace, Self.path, "-c", config.path]
        } else {
            process.executableURL = URL(fileURLWithPath: Self.path)
            process.arguments = ["-c", config.path]
        }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Ready once its log says the UDP listener is open.
        let deadline = Date().addingTimeInterval(30)
        while !log.contains("UDP listener opened on") {
            guard Date() < deadline, process.isRunning else {
                stop()
                throw DeliveryTestError(description: "turnserver did not start")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// The engine's `media:` configuration for this server, relay-only or not.
    func mediaConfig(relayOnly: Bool) -> String {
        "media:\n  turn:\n    - url: turn:\(host):\(port)\n      username: \(username)\n      credential: \(credential)\n"
            + "  relay_only: \(relayOnly)\n"
    }

    var log: String { (try? String(contentsOf: directory.appendingPathComponent("turn.log"), encoding: .utf8)) ?? "" }

    /// How many relay allocations coturn logged (each relayed call side makes one).
    var allocations: Int { log.components(separatedBy: "ALLOCATE processed, success").count - 1 }

    /// How many channels were bound to a peer (media is relayed through them).
    var channelBindings: Int { log.components(separatedBy: "CHANNEL_BIND processed, success").count - 1 }

    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }
}
