import Foundation
import VarianceRPC

/// Plays a transcript against real engine processes.
///
/// Sends are buffered per engine and written together at the next expectation or
/// directive, so consecutive `>` lines arrive in one write (as a pipelining client sends
/// them). A run of consecutive `<` lines for one engine is matched in any order, since
/// replies may come in any order. Every frame an engine writes must be expected: after
/// `@exit`, an unread frame is a failure, which is how "exactly one reply" is checked.
/// Every result and notification is also validated against the OpenRPC document.
final class TranscriptRunner {
    private let transcript: Transcript
    private let workDirectory: URL
    private let validator: SchemaValidator
    private var engines: [String: EngineProcess] = [:]
    private var arguments: [String: [String]] = [:]
    private var pendingSends: [String: [UInt8]] = [:]
    /// id → method of requests sent, per engine, for result validation.
    private var methodsByID: [String: [String: String]] = [:]
    private var captures: [String: JSON] = [:]
    /// Notification methods not checked, per engine (`@ignore`).
    private var ignored: [String: Set<String>] = [:]
    private(set) var failures: [String] = []

    init(transcript: Transcript, workDirectory: URL, document: JSON) {
        self.transcript = transcript
        self.workDirectory = workDirectory
        self.validator = SchemaValidator(document: document)
    }

    func run() -> [String] {
        var index = 0
        let lines = transcript.lines
        while index < lines.count, failures.isEmpty {
            let line = lines[index]
            if case .expect(let engine, _, _) = line.step {
                var block: [(Int, JSON, Bool)] = []
                while index < lines.count, case .expect(let e, let json, let lsp) = lines[index].step, e == engine {
                    block.append((lines[index].number, json, lsp))
                    index += 1
                }
                expect(block, from: engine)
                continue
            }
            if case .send(let engine, let bytes) = line.step {
                queue(bytes, to: engine)
                index += 1
                continue
            }
            flushSends()
            perform(line)
            index += 1
        }
        for (name, engine) in engines where engine.process.isRunning {
            engine.closeInput()
            if engine.waitForExit(timeout: 30) == nil { failures.append("\(name) did not exit at the end of the transcript") }
        }
        return failures
    }

    private func fail(_ line: Int, _ message: String) {
        failures.append("\(transcript.name):\(line): \(message)")
    }

    private func dataDirectory(_ engine: String) -> URL { workDirectory.appendingPathComponent(engine) }

    private func perform(_ line: Transcript.Line) {
        switch line.step {
        case .start(let engine, let args):
            arguments[engine] = args
            start(engine, line: line.number)
        case .write(let engine, let file, let contents):
            let directory = dataDirectory(engine)
            try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            do { try contents.write(to: directory.appendingPathComponent(file), atomically: true, encoding: .utf8) } catch {
                fail(line.number, "cannot write \(file): \(error)")
            }
        case .endOfInput(let engine):
            engines[engine]?.closeInput()
        case .exit(let engine, let code):
            finish(engine, expecting: code, line: line.number)
        case .signal(let engine, let signal):
            engines[engine]?.signal(signal)
        case .restart(let engine):
            engines[engine]?.closeInput()
            finish(engine, expecting: 0, line: line.number)
            start(engine, line: line.number)
        case .ignore(let engine, let method):
            ignored[engine, default: []].insert(method)
        case .send, .expect:
            break
        }
    }

    private func start(_ engine: String, line: Int) {
        captures["DATADIR_" + engine.uppercased()] = .string(dataDirectory(engine).path)
        do {
            engines[engine] = try EngineProcess(
                arguments: ["--data-dir", dataDirectory(engine).path] + (arguments[engine] ?? []))
        } catch {
            fail(line, "cannot start \(engine): \(error)")
        }
    }

    private func finish(_ engine: String, expecting code: Int32, line: Int) {
        guard let process = engines[engine] else { return fail(line, "no engine \(engine)") }
        guard let status = process.waitForExit(timeout: 60) else {
            return fail(line, "\(engine) did not exit within 60 s")
        }
        if status != code { fail(line, "\(engine) exited with \(status), expected \(code); stderr: \(process.standardError)") }
        while let extra = nextFrame(of: process, engine: engine, timeout: 1) {
            fail(line, "\(engine) wrote a frame nobody expected: \(extra.json.compactString)")
        }
    }

    /// The next frame, skipping notifications of a method this engine's `@ignore` lines name
    /// that match none of the `wanted` patterns (they are validated against the schema).
    private func nextFrame(
        of process: EngineProcess, engine: String, timeout: TimeInterval, wanted: [JSON] = []
    ) -> OutputFrame? {
        while let frame = process.next(timeout: timeout) {
            guard case .object(let object) = frame.json, object["id"] == nil, case .string(let method)? = object["method"],
                ignored[engine]?.contains(method) == true,
                !wanted.contains(where: { pattern in
                    var trial = captures
                    return Self.match(pattern, frame.json, &trial)
                })
            else { return frame }
            validate(frame.json, engine: engine)
        }
        return nil
    }

    private func queue(_ send: Transcript.Send, to engine: String) {
        switch send {
        case .raw(let bytes): pendingSends[engine, default: []] += bytes
        case .json(let template, let contentLength):
            let json = substitute(template)
            if let id = json["id"], let method = json["method"]?.stringValue { methodsByID[engine, default: [:]][id.compactString] = method }
            if case .array(let batch) = json {
                for element in batch {
                    if let id = element["id"], let method = element["method"]?.stringValue { methodsByID[engine, default: [:]][id.compactString] = method }
                }
            }
            let body = json.bytes
            if contentLength {
                pendingSends[engine, default: []] += Array("Content-Length: \(body.count)\r\n\r\n".utf8) + body
            } else {
                pendingSends[engine, default: []] += body + [0x0A]
            }
        }
    }

    private func flushSends() {
        for (engine, bytes) in pendingSends where !bytes.isEmpty { engines[engine]?.send(bytes) }
        pendingSends.removeAll()
    }

    private func expect(_ block: [(line: Int, json: JSON, contentLength: Bool)], from engine: String) {
        flushSends()
        guard let process = engines[engine] else { return fail(block[0].line, "no engine \(engine)") }
        var actual: [OutputFrame] = []
        let wanted = block.map(\.json)
        for expected in block {
            guard let frame = nextFrame(of: process, engine: engine, timeout: 60, wanted: wanted) else {
                return fail(expected.line, "\(engine) wrote nothing more (expected \(expected.json.compactString)); stderr: \(process.standardError)")
            }
            actual.append(frame)
        }
        for frame in actual { validate(frame.json, engine: engine) }
        var unmatched = actual
        for expected in block {
            let pattern = expected.json
            guard let position = unmatched.firstIndex(where: { frame in
                var trial = captures
                return frame.contentLength == expected.contentLength && Self.match(pattern, frame.json, &trial)
            }) else {
                return fail(expected.line, "no frame matched \(pattern.compactString); got: \(unmatched.map(\.json.compactString).joined(separator: " | "))")
            }
            _ = Self.match(pattern, unmatched[position].json, &captures)
            unmatched.remove(at: position)
        }
    }

    /// Validates results and notifications against the OpenRPC document.
    private func validate(_ frame: JSON, engine: String) {
        if case .array(let batch) = frame {
            for element in batch { validate(element, engine: engine) }
            return
        }
        if let id = frame["id"], let result = frame["result"], let method = methodsByID[engine]?[id.compactString],
            let schema = validator.resultSchema(of: method)
        {
            for problem in validator.validate(result, against: schema) {
                failures.append("\(transcript.name): result of \(method) breaks the schema: \(problem)")
            }
        }
        if frame["id"] == nil, let method = frame["method"]?.stringValue {
            guard let schema = validator.notificationSchema(of: method) else {
                failures.append("\(transcript.name): notification \(method) is not in the OpenRPC document")
                return
            }
            for problem in validator.validate(frame["params"] ?? .null, against: schema) {
                failures.append("\(transcript.name): params of \(method) break the schema: \(problem)")
            }
        }
    }

    /// Replaces `"$NAME"` strings with captured values.
    private func substitute(_ template: JSON) -> JSON {
        switch template {
        case .string(let s) where Self.isPlaceholder(s):
            return captures[String(s.dropFirst())] ?? template
        case .array(let elements):
            return .array(elements.map(substitute))
        case .object(let object):
            return .object(JSONObject(object.members.map { (key: $0.key, value: substitute($0.value)) }))
        default:
            return template
        }
    }

    private static func isPlaceholder(_ s: String) -> Bool {
        s.count > 1 && s.hasPrefix("$") && s.dropFirst().allSatisfy { $0.isUppercase || $0.isNumber || $0 == "_" }
    }

    /// Matches `actual` against `pattern`: `"$*"` is anything, `"$NAME"` captures (or must
    /// equal what it captured), `"$more": "*"` in an object allows other members.
    static func match(_ pattern: JSON, _ actual: JSON, _ captures: inout [String: JSON]) -> Bool {
        switch pattern {
        case .string("$*"):
            return true
        case .string(let s) where isPlaceholder(s):
            let name = String(s.dropFirst())
            if let bound = captures[name] { return bound == actual }
            captures[name] = actual
            return true
        case .object(let expected):
            guard case .object(let object) = actual else { return false }
            let open = expected["$more"] != nil
            for member in expected.members where member.key != "$more" {
                guard let value = object[member.key], match(member.value, value, &captures) else { return false }
            }
            if !open {
                for key in object.keys where expected[key] == nil { return false }
            }
            return true
        case .array(let expected):
            guard case .array(let elements) = actual, elements.count == expected.count else { return false }
            for (p, a) in zip(expected, elements) where !match(p, a, &captures) { return false }
            return true
        default:
            return pattern == actual
        }
    }
}
