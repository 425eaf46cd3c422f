// What the benchmark drives: our engine, the anchor (deltachat-rpc-server) and `cat`, the
// harness's own floor. All three go through the same `Child` and `LineReader` code; only the
// command line, the environment and the request line differ.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import VarianceRPC

struct EngineSpec {
    enum Kind: String { case ours, anchor, cat }
    let kind: Kind
    /// A name for people: "variance-engine", "deltachat-rpc-server", "cat".
    let label: String
    let argv: [String]
    let environment: [String]
    /// Sends `engine.ready` before reading (ours).
    let sendsReady: Bool
    /// The trivial method, for the report.
    let method: String
    /// `cat`: every line that comes back is the answer.
    var isEcho: Bool { kind == .cat }

    /// One trivial request line, `\n` included.
    func request(id: Int64) -> [UInt8] {
        switch kind {
        case .ours, .cat:
            Array(#"{"jsonrpc":"2.0","id":\#(id),"method":"engine.info","params":{}}"#.utf8) + [0x0A]
        case .anchor:
            // Positional params, omitted: the cheapest call deltachat-rpc-server has.
            Array(#"{"jsonrpc":"2.0","id":\#(id),"method":"get_selected_account_id"}"#.utf8) + [0x0A]
        }
    }

    /// Appends `count` request lines with ids from `firstID` to `out`.
    func appendRequests(firstID: Int64, count: Int, to out: inout [UInt8]) {
        for i in 0..<Int64(count) { out.append(contentsOf: request(id: firstID + i)) }
    }

    /// True if a line from the engine is a response rather than a notification.
    @inline(__always)
    func isResponse(_ line: UnsafeRawBufferPointer) -> Bool {
        isEcho || !contains(line, "\"method\"")
    }

    @inline(__always)
    func isReady(_ line: UnsafeRawBufferPointer) -> Bool {
        sendsReady && contains(line, "\"engine.ready\"")
    }
}

/// Parses a response line and returns its `result`, or throws with the error it carries.
func resultOf(_ line: UnsafeRawBufferPointer, what: String) throws(BenchError) -> JSON {
    let value: JSON
    do {
        value = try JSONParser.parse(buffer: line.bindMemory(to: UInt8.self))
    } catch {
        throw BenchError("\(what): not JSON (\(error)): \(String(decoding: line, as: UTF8.self).prefix(200))")
    }
    if let error = value["error"] { throw BenchError("\(what): error \(error.compactString)") }
    guard let result = value["result"] else {
        throw BenchError("\(what): no result in \(String(decoding: line, as: UTF8.self).prefix(200))")
    }
    return result
}

/// The last lines of a child's stderr file, for error messages.
func tail(_ path: String, lines: Int = 8) -> String {
    guard let bytes = readSmallFile(path) else { return "" }
    let all = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
    return all.suffix(lines).joined(separator: "\n")
}

/// Runs `argv` with no input and returns the first line it prints on stdout, else on stderr
/// (deltachat-rpc-server prints `--version` there). `scratch` receives its stderr.
func firstLine(of argv: [String], environment env: [String], scratch: String) -> String? {
    unlink(scratch)
    guard let child = try? Child(argv: argv, environment: env, stderrPath: scratch) else { return nil }
    child.closeInput()
    let line = (try? child.reader.nextLine(deadline: nowNs() + 10_000_000_000))
        .flatMap { $0 }.map { String(decoding: $0, as: UTF8.self) }
    child.finish()
    if let line, !line.isEmpty { return line }
    let err = readSmallFile(scratch).flatMap { String(decoding: $0, as: UTF8.self).split(separator: "\n").first }
    return err.map(String.init)
}

/// Sends one request to a fresh engine, waits for its answer, and lets it exit: how the data
/// folders get their identity (ours) or account (anchor) before the measured runs.
func runOnce(_ spec: EngineSpec, request: String, stderrPath: String) throws(BenchError) -> JSON {
    let child = try Child(argv: spec.argv, environment: spec.environment, stderrPath: stderrPath)
    try child.send(Array(request.utf8) + [0x0A])
    let deadline = nowNs() + 60_000_000_000
    do throws(BenchError) {
        while let line = try child.reader.nextLine(deadline: deadline) {
            guard spec.isResponse(line) else { continue }
            let result = try resultOf(line, what: "\(spec.label) setup")
            let (_, status, _) = child.finish()
            guard status == 0 else {
                throw BenchError("\(spec.label) setup: exit status \(status)\n\(tail(stderrPath))")
            }
            return result
        }
    } catch {
        child.finish(timeoutNs: 1_000_000_000)
        throw BenchError("\(error.description)\n\(tail(stderrPath))")
    }
    child.finish(timeoutNs: 1_000_000_000)
    throw BenchError("\(spec.label) setup: exited without answering\n\(tail(stderrPath))")
}
