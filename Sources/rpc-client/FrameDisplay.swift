import VarianceRPC

/// How the interactive session shows what the engine sends:
///
///     ← #3 {
///       "did": "did:key:z6Mk…"
///     }
///     ← #4 error -32601: Method not found: no.such.method
///     ← identity.changed {…}
///
/// Replies carry their request's id; notifications their method.
struct FrameDisplay {
    /// Use ANSI colours (a terminal, and `NO_COLOR` unset).
    var usesColor: Bool

    /// The text for one message (several lines for a batch).
    func text(for message: EngineMessage) -> String {
        switch message {
        case .reply(let id, .success(let result)):
            return arrow + " " + paint("#" + Self.label(id), .bold) + " " + ReadableJSON.text(result)
        case .reply(let id, .failure(let error)):
            var text = arrow + " " + paint("#" + Self.label(id), .bold) + " "
                + paint("error \(error.code): \(error.message)", .red)
            if let data = error.data { text += "\n" + ReadableJSON.text(data) }
            return text
        case .notification(let method, let params):
            return arrow + " " + paint(method, .cyan) + " " + ReadableJSON.text(params)
        case .batch(let messages):
            return messages.map(text(for:)).joined(separator: "\n")
        case .other(let value):
            return arrow + " " + ReadableJSON.text(value)
        }
    }

    /// An error of the client itself (a line it could not parse, a bad command).
    func problem(_ text: String) -> String { paint(text, .red) }

    private var arrow: String { paint("←", .dim) }

    /// `3` for a number id, `"abc"` for a string id.
    private static func label(_ id: JSON) -> String { id.compactString }

    /// The ANSI styles the display uses.
    enum Style: String {
        case bold = "1", dim = "2", red = "31", cyan = "36"
    }

    /// `text` in `style`, when colours are used; else `text`.
    func paint(_ text: String, _ style: Style) -> String {
        usesColor ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
    }
}
