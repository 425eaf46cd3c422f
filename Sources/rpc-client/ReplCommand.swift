/// A line of the interactive session that is for the client rather than a request as
/// written: a `:command`, or a shorthand that stands for a request.
///
/// | line | meaning |
/// | --- | --- |
/// | `:quit`, `:q`, `:exit` | close the engine's input |
/// | `:help [METHOD]`, `:h`, `:?` | the overview, or a method's summary and params |
/// | `:methods` | the engine's methods |
/// | `:replay [AFTER]` | `events.replay {after: AFTER (default 0)}`, shown as a list of events |
/// | `/msg CONVERSATION TEXT...` | `messages.send {conversation, text}`; the text is the rest of the line, as typed |
enum ReplCommand: Equatable, Sendable {
    case quit
    case help(method: String?)
    case methods
    case replay(after: Int64)
    case message(conversation: String, text: String)

    /// What `:help` lists, and what tab completion offers beside the method names.
    static let words = [":help", ":methods", ":replay", ":quit", "/msg"]

    /// The command `line` spells; nil if it is a request (it starts with neither `:` nor
    /// `/`). Pure: no I/O.
    static func parse(_ line: String) throws(ReplCommandError) -> ReplCommand? {
        let text = line.trimmingWhitespace()
        guard let first = text.first, first == ":" || first == "/" else { return nil }
        let head = text.prefix { !$0.isWhitespace }
        let rest = text.dropFirst(head.count).drop { $0.isWhitespace }
        let arguments = rest.split(whereSeparator: \.isWhitespace).map(String.init)
        switch head {
        case ":quit", ":q", ":exit":
            return .quit
        case ":help", ":h", ":?":
            return .help(method: arguments.first)
        case ":methods":
            return .methods
        case ":replay":
            guard arguments.count <= 1 else { throw .usage(":replay [AFTER]") }
            guard let after = arguments.first else { return .replay(after: 0) }
            guard let seq = Int64(after), seq >= 0 else { throw .notASeq(after) }
            return .replay(after: seq)
        case "/msg":
            let conversation = rest.prefix { !$0.isWhitespace }
            let message = rest.dropFirst(conversation.count).drop { $0.isWhitespace }
            guard !conversation.isEmpty, !message.isEmpty else { throw .usage("/msg CONVERSATION TEXT") }
            return .message(conversation: String(conversation), text: String(message))
        default:
            throw .unknown(String(head))
        }
    }

    /// The request a shorthand stands for; nil for the client's own commands.
    var request: RequestLine? {
        switch self {
        case .replay(let after):
            return .call(method: "events.replay", params: ["after": .int(after)])
        case .message(let conversation, let text):
            return .call(method: "messages.send", params: ["conversation": .string(conversation), "text": .string(text)])
        case .quit, .help, .methods:
            return nil
        }
    }
}

/// Why a `:command` or `/shorthand` line was not understood; the description says what to type.
enum ReplCommandError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknown(String)
    case usage(String)
    case notASeq(String)

    var description: String {
        switch self {
        case .unknown(let word): "Unknown command \(word); :help lists the commands."
        case .usage(let usage): "Usage: \(usage)"
        case .notASeq(let word): "'\(word)' is not an event seq (a number, 0 or more); usage: :replay [AFTER]"
        }
    }
}
