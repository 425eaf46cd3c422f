import Foundation

/// The aiortc peer of `Tests/Interop/aiortc_peer.py`, spoken to in JSON lines.
/// Python comes from `VARIANCE_AIORTC_PYTHON`, else the repository's `.venv-interop`.
final class AiortcPeer: @unchecked Sendable {
    // Used from one test task at a time; the queue serialises the blocking reads.
    struct Request: Encodable {
        var op: String
        var sdp: String?
        var seconds: Double?
    }

    struct Reply: Decodable {
        var sdp: String?
        var error: String?
        var frequency: Double?
        var frames: Int?
        var elapsed_ms: Double?
    }

    struct PeerError: Error, CustomStringConvertible {
        var description: String
    }

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static var python: String? {
        if let path = ProcessInfo.processInfo.environment["VARIANCE_AIORTC_PYTHON"],
            FileManager.default.isExecutableFile(atPath: path)
        {
            return path
        }
        let venv = packageRoot.appendingPathComponent(".venv-interop/bin/python").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : nil
    }

    static var script: String { packageRoot.appendingPathComponent("Tests/Interop/aiortc_peer.py").path }

    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private let queue = DispatchQueue(label: "aiortc-peer")
    private var buffer = Data()

    init() throws {
        guard let python = Self.python else { throw PeerError(description: "no aiortc venv") }
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [Self.script]
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        try process.run()
    }

    func call(_ request: Request) async throws -> Reply {
        var line = try JSONEncoder().encode(request)
        line.append(0x0A)
        try input.fileHandleForWriting.write(contentsOf: line)
        let replyLine: Data = try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try self.readLine() })
            }
        }
        let reply = try JSONDecoder().decode(Reply.self, from: replyLine)
        if let error = reply.error { throw PeerError(description: "aiortc: \(error)") }
        return reply
    }

    private func readLine() throws -> Data {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = buffer[buffer.startIndex..<newline]
                buffer = Data(buffer[(newline + 1)...])
                return Data(line)
            }
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { throw PeerError(description: "aiortc peer exited") }
            buffer.append(chunk)
        }
    }

    func stop() {
        try? input.fileHandleForWriting.close()
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
    }
}
