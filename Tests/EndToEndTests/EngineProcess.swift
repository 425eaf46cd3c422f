import Foundation
import VarianceRPC

/// Where the built binaries are: `$VARIANCE_BIN_DIR`, else `.build/debug` of this checkout.
enum Binaries {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static var directory: URL {
        if let dir = ProcessInfo.processInfo.environment["VARIANCE_BIN_DIR"] { return URL(fileURLWithPath: dir) }
        return repositoryRoot.appendingPathComponent(".build/debug")
    }

    static var engine: URL { directory.appendingPathComponent("variance-engine") }
}

/// A frame the engine wrote, with the framing it came in.
struct OutputFrame {
    var json: JSON
    var contentLength: Bool
}

/// A real `variance-engine` child process, spoken to over its pipes.
final class EngineProcess: @unchecked Sendable {
    let process = Process()
    private let stdinPipe = Pipe()
    private let stdoutPipe = Pipe()
    private let stderrPipe = Pipe()
    private let lock = NSCondition()
    private var frames: [OutputFrame] = []
    private var raw: [UInt8] = []
    private var outputClosed = false
    private var stderrText = Data()
    private var inputClosed = false

    /// - Parameter namespace: A network namespace to run the engine in (`ip netns exec`).
    init(arguments: [String], environment: [String: String] = [:], namespace: String? = nil) throws {
        if let namespace {
            process.executableURL = URL(fileURLWithPath: NetworkNamespaces.ip)
            process.arguments = ["netns", "exec", namespace, Binaries.engine.path] + arguments
        } else {
            process.executableURL = Binaries.engine
            process.arguments = arguments
        }
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        process.environment = env
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        try process.run()
        let out = stdoutPipe.fileHandleForReading
        Thread { [weak self] in
            while true {
                let data = out.availableData
                guard let self else { return }
                self.lock.lock()
                if data.isEmpty {
                    self.outputClosed = true
                    self.lock.broadcast()
                    self.lock.unlock()
                    return
                }
                self.raw += data
                self.splitFrames()
                self.lock.broadcast()
                self.lock.unlock()
            }
        }.start()
        let err = stderrPipe.fileHandleForReading
        Thread { [weak self] in
            while true {
                let data = err.availableData
                guard !data.isEmpty, let self else { return }
                self.lock.lock()
                self.stderrText += data
                self.lock.unlock()
            }
        }.start()
    }

    /// Splits `raw` into frames: Content-Length framed or one JSON value per line.
    private func splitFrames() {
        while !raw.isEmpty {
            if raw.starts(with: Array("Content-Length: ".utf8)) {
                guard let headerEnd = raw.firstRange(of: Array("\r\n\r\n".utf8)) else { return }
                let header = String(decoding: raw[16..<headerEnd.lowerBound], as: UTF8.self)
                guard let length = Int(header), raw.count >= headerEnd.upperBound + length else { return }
                let body = Array(raw[headerEnd.upperBound..<headerEnd.upperBound + length])
                raw.removeSubrange(..<(headerEnd.upperBound + length))
                frames.append(OutputFrame(json: (try? JSONParser.parse(body)) ?? .string("<invalid JSON>"), contentLength: true))
            } else {
                guard let newline = raw.firstIndex(of: 0x0A) else { return }
                let line = Array(raw[..<newline])
                raw.removeSubrange(...newline)
                frames.append(OutputFrame(json: (try? JSONParser.parse(line)) ?? .string("<invalid JSON>"), contentLength: false))
            }
        }
    }

    func send(_ bytes: [UInt8]) {
        stdinPipe.fileHandleForWriting.write(Data(bytes))
    }

    func send(_ json: JSON) { send(json.bytes + [0x0A]) }

    /// Closes the engine's standard input (end of input).
    func closeInput() {
        lock.lock()
        defer { lock.unlock() }
        guard !inputClosed else { return }
        inputClosed = true
        try? stdinPipe.fileHandleForWriting.close()
    }

    /// The next frame, waiting up to `timeout` seconds; nil on timeout or end of output.
    func next(timeout: TimeInterval = 60) -> OutputFrame? {
        let deadline = Date().addingTimeInterval(timeout)
        lock.lock()
        defer { lock.unlock() }
        while frames.isEmpty {
            if outputClosed { return nil }
            if !lock.wait(until: deadline) { return nil }
        }
        return frames.removeFirst()
    }

    /// Whether the engine's stdout has ended (no frame will come).
    var isOutputClosed: Bool {
        lock.lock()
        defer { lock.unlock() }
        return outputClosed
    }

    /// Waits for the process to exit; returns its status, or nil on timeout.
    func waitForExit(timeout: TimeInterval = 60) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() > deadline { return nil }
            usleep(5000)
        }
        return process.terminationStatus
    }

    func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    var standardError: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: stderrText, as: UTF8.self)
    }

    deinit {
        if process.isRunning { process.terminate() }
    }
}
