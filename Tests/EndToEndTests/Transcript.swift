import Foundation
import VarianceRPC

/// A recorded RPC session: what is sent to each engine and what must come back.
/// The format is documented in docs/TESTING.md.
struct Transcript {
    enum Step {
        case start(engine: String, arguments: [String])
        case write(engine: String, file: String, contents: String)
        case send(engine: String, bytes: Send)
        case expect(engine: String, json: JSON, contentLength: Bool)
        case endOfInput(engine: String)
        case exit(engine: String, code: Int32)
        case signal(engine: String, signal: Int32)
        case restart(engine: String)
        case ignore(engine: String, method: String)
    }

    enum Send {
        case json(JSON, contentLength: Bool)
        case raw([UInt8])
    }

    struct Line {
        var number: Int
        var step: Step
    }

    var name: String
    var lines: [Line]

    struct ParseError: Error, CustomStringConvertible {
        var line: Int
        var message: String
        var description: String { "line \(line): \(message)" }
    }

    static func load(_ url: URL) throws -> Transcript {
        let text = try String(contentsOf: url, encoding: .utf8)
        return try parse(text, name: url.deletingPathExtension().lastPathComponent)
    }

    static func parse(_ text: String, name: String) throws -> Transcript {
        var lines: [Line] = []
        let source = text.components(separatedBy: "\n")
        var index = 0
        while index < source.count {
            let number = index + 1
            let line = source[index].trimmingCharacters(in: .whitespaces)
            index += 1
            if line.isEmpty || line.hasPrefix("#") { continue }
            let words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            func fail(_ message: String) -> ParseError { ParseError(line: number, message: message) }
            if line.hasPrefix("@") {
                guard words.count >= 2 else { throw fail("a directive needs an engine name") }
                let engine = words[1]
                switch words[0] {
                case "@start": lines.append(Line(number: number, step: .start(engine: engine, arguments: Array(words.dropFirst(2)))))
                case "@write":
                    guard words.count == 3 else { throw fail("@write ENGINE FILE, then lines, then @end") }
                    var contents: [String] = []
                    while index < source.count, source[index].trimmingCharacters(in: .whitespaces) != "@end" {
                        contents.append(source[index])
                        index += 1
                    }
                    guard index < source.count else { throw fail("@write without @end") }
                    index += 1
                    lines.append(Line(number: number, step: .write(engine: engine, file: words[2], contents: contents.joined(separator: "\n") + "\n")))
                case "@eof": lines.append(Line(number: number, step: .endOfInput(engine: engine)))
                case "@exit":
                    guard words.count == 3, let code = Int32(words[2]) else { throw fail("@exit ENGINE CODE") }
                    lines.append(Line(number: number, step: .exit(engine: engine, code: code)))
                case "@signal":
                    guard words.count == 3 else { throw fail("@signal ENGINE TERM|INT") }
                    let signal: Int32
                    switch words[2] {
                    case "TERM": signal = SIGTERM
                    case "INT": signal = SIGINT
                    default: throw fail("unknown signal \(words[2])")
                    }
                    lines.append(Line(number: number, step: .signal(engine: engine, signal: signal)))
                case "@restart": lines.append(Line(number: number, step: .restart(engine: engine)))
                case "@ignore":
                    guard words.count == 3 else { throw fail("@ignore ENGINE METHOD") }
                    lines.append(Line(number: number, step: .ignore(engine: engine, method: words[2])))
                default: throw fail("unknown directive \(words[0])")
                }
                continue
            }
            guard words.count >= 2 else { throw fail("expected 'ENGINE > ...' or 'ENGINE < ...'") }
            let engine = words[0]
            let op = words[1]
            let rest = line.dropFirst(engine.count).drop(while: { $0 == " " }).dropFirst(op.count).drop(while: { $0 == " " })
            func json() throws -> JSON {
                do { return try JSONParser.parse(String(rest)) } catch { throw fail("invalid JSON: \(error)") }
            }
            switch op {
            case ">": lines.append(Line(number: number, step: .send(engine: engine, bytes: .json(try json(), contentLength: false))))
            case ">lsp": lines.append(Line(number: number, step: .send(engine: engine, bytes: .json(try json(), contentLength: true))))
            case ">raw": lines.append(Line(number: number, step: .send(engine: engine, bytes: .raw(Array(rest.utf8) + [0x0A]))))
            case ">hex":
                var bytes: [UInt8] = []
                var hex = Substring(rest.filter { !$0.isWhitespace })
                while hex.count >= 2 {
                    guard let byte = UInt8(hex.prefix(2), radix: 16) else { throw fail("bad hex") }
                    bytes.append(byte)
                    hex = hex.dropFirst(2)
                }
                guard hex.isEmpty else { throw fail("odd number of hex digits") }
                lines.append(Line(number: number, step: .send(engine: engine, bytes: .raw(bytes))))
            case ">fill":
                guard let count = Int(rest) else { throw fail(">fill N") }
                lines.append(Line(number: number, step: .send(engine: engine, bytes: .raw(Array(repeating: UInt8(ascii: "x"), count: count) + [0x0A]))))
            case "<": lines.append(Line(number: number, step: .expect(engine: engine, json: try json(), contentLength: false)))
            case "<lsp": lines.append(Line(number: number, step: .expect(engine: engine, json: try json(), contentLength: true)))
            default: throw fail("unknown operation \(op)")
            }
        }
        return Transcript(name: name, lines: lines)
    }
}
