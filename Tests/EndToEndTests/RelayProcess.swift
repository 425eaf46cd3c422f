import Foundation

/// A real `variance-relay` child process. Its start-up lines (`Relay PeerId: …`,
/// `Listening on …`) are read from its standard output.
final class RelayProcess: @unchecked Sendable {
    let process = Process()
    let directory: URL
    let port: UInt16
    private let stdoutPipe = Pipe()
    private let stderrPipe = Pipe()
    private let lock = NSCondition()
    private var lines: [String] = []
    private var stderrText = Data()

    /// The relay's peer ID and its dialable address (`/ip4/127.0.0.1/tcp/<port>/p2p/<id>`).
    private(set) var peerID = ""
    var address: String { "/ip4/\(host)/tcp/\(port)/p2p/\(peerID)" }

    /// The host others dial the relay at.
    let host: String
    let namespace: String?

    init(directory: URL, port: UInt16, config: String? = nil, namespace: String? = nil, host: String = "127.0.0.1") throws {
        self.directory = directory
        self.port = port
        self.namespace = namespace
        self.host = host
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var arguments = ["--port", "\(port)", "--data-dir", directory.path, "--log-level", "info"]
        if let config {
            let file = directory.appendingPathComponent("relay.yaml")
            try config.write(to: file, atomically: true, encoding: .utf8)
            arguments += ["--config", file.path]
        }
        let binary = Binaries.directory.appendingPathComponent("variance-relay")
        if let namespace {
            process.executableURL = URL(fileURLWithPath: NetworkNamespaces.ip)
            process.arguments = ["netns", "exec", namespace, binary.path] + arguments
        } else {
            process.executableURL = binary
            process.arguments = arguments
        }
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        try process.run()
        let out = stdoutPipe.fileHandleForReading
        Thread { [weak self] in
            var buffer = Data()
            while true {
                let data = out.availableData
                guard let self else { return }
                if data.isEmpty { return }
                buffer += data
                while let newline = buffer.firstIndex(of: 0x0A) {
                    let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                    buffer = Data(buffer[(newline + 1)...])
                    self.lock.lock()
                    self.lines.append(line)
                    self.lock.broadcast()
                    self.lock.unlock()
                }
            }
        }.start()
        let err = stderrPipe.fileHandleForReading
        Thread { [weak self] in
            while true {
                let data = err.availableData
                guard let self, !data.isEmpty else { return }
                self.lock.lock()
                self.stderrText += data
                if self.stderrText.count > 1 << 20 { self.stderrText = self.stderrText.suffix(1 << 19) }
                self.lock.unlock()
            }
        }.start()
        guard let line = waitForLine(prefix: "Relay PeerId: ", timeout: 60) else {
            throw DeliveryTestError(description: "variance-relay did not start: \(standardError.suffix(2000))")
        }
        peerID = String(line.dropFirst("Relay PeerId: ".count))
        guard waitForLine(prefix: "Listening on ", timeout: 60) != nil else {
            throw DeliveryTestError(description: "variance-relay did not listen: \(standardError.suffix(2000))")
        }
    }

    /// The first stdout line starting with `prefix`, waiting up to `timeout`.
    func waitForLine(prefix: String, timeout: TimeInterval) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        lock.lock()
        defer { lock.unlock() }
        while true {
            if let line = lines.first(where: { $0.hasPrefix(prefix) }) { return line }
            guard process.isRunning, lock.wait(until: deadline) else {
                return lines.first(where: { $0.hasPrefix(prefix) })
            }
        }
    }

    var standardError: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: stderrText, as: UTF8.self)
    }

    /// SIGKILL, then wait for the exit.
    func kill() {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM, a clean shutdown.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    /// A new process on the same data directory and port (the same peer ID).
    func restart() throws -> RelayProcess {
        kill()
        return try RelayProcess(directory: directory, port: port, namespace: namespace, host: host)
    }

    deinit { kill() }
}
