import Foundation

/// A Python Olm peer (Tests/Interop/olm_peer.py) spoken to in JSON lines over its stdio.
/// Lines are read on a thread of their own; every request waits for its reply with a timeout.
final class OlmPeerProcess: @unchecked Sendable {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let python = root.appendingPathComponent(".venv-interop/bin/python")
    static var pythonExists: Bool { FileManager.default.isExecutableFile(atPath: python.path) }

    /// Whether the venv python can import `module` (vodozemac, olm).
    static func canImport(_ module: String) -> Bool {
        guard pythonExists else { return false }
        let p = Process()
        p.executableURL = python
        p.arguments = ["-c", "import \(module)"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }

    struct PeerError: Error, CustomStringConvertible { let description: String }

    private let process = Process()
    private let stdin = Pipe()
    private let stdout = Pipe()
    private let lock = NSCondition()
    private var lines: [String] = []
    private var closed = false

    init() throws {
        process.executableURL = Self.python
        process.arguments = [Self.root.appendingPathComponent("Tests/Interop/olm_peer.py").path]
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.standardError
        try process.run()
        let handle = stdout.fileHandleForReading
        let thread = Thread { [self] in
            var buffer = Data()
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                buffer.append(chunk)
                while let nl = buffer.firstIndex(of: 0x0a) {
                    let line = String(decoding: buffer[buffer.startIndex..<nl], as: UTF8.self)
                    buffer.removeSubrange(buffer.startIndex...nl)
                    lock.lock(); lines.append(line); lock.signal(); lock.unlock()
                }
            }
            lock.lock(); closed = true; lock.broadcast(); lock.unlock()
        }
        thread.start()
    }

    deinit { close() }

    func close() {
        try? stdin.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
    }

    /// Sends one request and returns its reply; a reply with "error" throws `PeerError`.
    @discardableResult
    func call(_ request: [String: Any], timeout: TimeInterval = 60) throws -> [String: Any] {
        var data = try JSONSerialization.data(withJSONObject: request)
        data.append(0x0a)
        try stdin.fileHandleForWriting.write(contentsOf: data)
        let deadline = Date().addingTimeInterval(timeout)
        lock.lock()
        defer { lock.unlock() }
        while lines.isEmpty {
            if closed { throw PeerError(description: "peer exited") }
            if !lock.wait(until: deadline) { throw PeerError(description: "peer timed out") }
        }
        let line = lines.removeFirst()
        guard let reply = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw PeerError(description: "bad reply")
        }
        if let error = reply["error"] as? String { throw PeerError(description: error) }
        return reply
    }
}
