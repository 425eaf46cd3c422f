#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
import Testing
import VarianceRPC
@testable import VarianceRPCServer

/// A server on two pipes, driven by a test as a client would: write bytes in, read frames out.
final class ServerHarness: @unchecked Sendable {
    let server: RPCServer
    private let inputWrite: Int32
    private let outputRead: Int32
    private var pending: [UInt8] = []
    private let thread: Thread
    private let finished = DispatchSemaphore(value: 0)

    init(methods: MethodTable, limits: RPCServer.Limits = RPCServer.Limits()) {
        var input: [Int32] = [0, 0]
        var output: [Int32] = [0, 0]
        precondition(pipe(&input) == 0 && pipe(&output) == 0)
        inputWrite = input[1]
        outputRead = output[0]
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let server = RPCServer(writer: OutputWriter(fd: output[1]), methods: methods, limits: limits, logger: logger)
        self.server = server
        let readFD = input[0]
        let done = finished
        thread = Thread {
            server.run(inputFD: readFD)
            server.drain()
            close(readFD)
            done.signal()
        }
        thread.start()
    }

    func send(_ text: String) { send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(inputWrite, raw.baseAddress! + offset, raw.count - offset)
                precondition(n > 0)
                offset += n
            }
        }
    }

    /// Closes the input (end of input) and waits for the server to drain.
    func closeInput(timeout: Double = 30) async -> Bool {
        await offPool { self.closeInputBlocking(timeout: timeout) }
    }

    func next(timeout: Double = 30) async -> JSON? {
        await offPool { self.nextBlocking(timeout: timeout) }
    }

    func nextLine(timeout: Double = 30) async -> String? {
        await offPool { self.nextLineBlocking(timeout: timeout) }
    }

    func nextBytes(_ count: Int, timeout: Double = 30) async -> [UInt8]? {
        await offPool { self.nextBytesBlocking(count, timeout: timeout) }
    }

    /// Collects `count` frames (in any order).
    func collect(_ count: Int, timeout: Double = 30) async -> [JSON] {
        await offPool { (0..<count).compactMap { _ in self.nextBlocking(timeout: timeout) } }
    }

    private func closeInputBlocking(timeout: Double) -> Bool {
        close(inputWrite)
        return finished.wait(timeout: .now() + timeout) == .success
    }

    /// Reads the next NDJSON frame, waiting up to `timeout` seconds.
    private func nextLineBlocking(timeout: Double) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let newline = pending.firstIndex(of: 0x0A) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                return line
            }
            guard readMore(until: deadline) else { return nil }
        }
    }

    /// Reads raw output bytes until `count` are available.
    private func nextBytesBlocking(_ count: Int, timeout: Double) -> [UInt8]? {
        let deadline = Date().addingTimeInterval(timeout)
        while pending.count < count {
            guard readMore(until: deadline) else { return nil }
        }
        let bytes = Array(pending[..<count])
        pending.removeSubrange(..<count)
        return bytes
    }

    private func nextBlocking(timeout: Double) -> JSON? {
        nextLineBlocking(timeout: timeout).flatMap { try? JSONParser.parse($0) }
    }

    private func readMore(until deadline: Date) -> Bool {
        let remaining = deadline.timeIntervalSinceNow
        guard remaining > 0 else { return false }
        var pfd = pollfd(fd: outputRead, events: Int16(POLLIN), revents: 0)
        let ready = poll(&pfd, 1, Int32(remaining * 1000))
        guard ready > 0 else { return false }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { read(outputRead, $0.baseAddress, $0.count) }
        guard n > 0 else { return false }
        pending += chunk[0..<n]
        return true
    }
}

/// A tiny method set for transport tests: echo, sleep-then-reply, ordering probes.
enum TestMethods {
    enum Echo: RPCMethod {
        static let name = "test.echo"
        struct Params: RPCParams {
            var value: JSON
            init(from params: ParamsReader) { value = params.object["value"] ?? .null }
        }
        struct Result: RPCResult { var json: JSON }
    }

    enum Slow: RPCMethod {
        static let name = "test.slow"
        struct Params: RPCParams {
            var millis: Int64
            var lane: String?
            var tag: String
            init(from params: ParamsReader) throws(RPCError) {
                millis = try params.optionalInt("millis") ?? 0
                lane = try params.optionalString("lane")
                tag = try params.optionalString("tag") ?? ""
            }
        }
        struct Result: RPCResult { var json: JSON }
    }

    static func table(log: OrderLog) -> MethodTable {
        var table = MethodTable()
        table.inline(Echo.self) { params in Echo.Result(json: params.value) }
        table.async(Slow.self, lane: { $0.lane }) { params throws(RPCError) in
            do { try await Task.sleep(for: .milliseconds(params.millis)) } catch { throw RPCError.cancelled }
            log.append(params.tag)
            return Slow.Result(json: .string(params.tag))
        }
        return table
    }
}

/// Records the order in which handlers finished.
final class OrderLog: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String] = []
    func append(_ tag: String) { lock.withLock { entries.append(tag) } }
    var all: [String] { lock.withLock { entries } }
}

/// Runs blocking work on its own thread, so waiting never occupies the cooperative pool
/// that the server's tasks need (it has as many threads as cores: two here).
func offPool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: body()) }.start()
    }
}
