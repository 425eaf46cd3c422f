import VarianceRPC

/// JSON laid out for people: indented like `prettyString()`, but an array or object that
/// holds no containers stays on one line when it fits in ``lineWidth`` columns, and a longer
/// array of plain values is filled line by line, so that a 24-word mnemonic or a list of
/// peer ids does not take a screen each.
enum ReadableJSON {
    /// The widest one-line array or object, in characters.
    static let lineWidth = 72

    /// `value` laid out, its nested lines indented by `indent` levels of two spaces.
    static func text(_ value: JSON, indent: Int = 0) -> String {
        let inner = String(repeating: "  ", count: indent + 1)
        let closing = String(repeating: "  ", count: indent)
        switch value {
        case .array(let elements) where !elements.isEmpty:
            if fitsOnOneLine(elements) { return spaced(value) }
            if holdsNoContainers(elements) {
                return "[\n" + filled(elements, indent: inner) + "\n" + closing + "]"
            }
            let body = elements.map { inner + text($0, indent: indent + 1) }
            return "[\n" + body.joined(separator: ",\n") + "\n" + closing + "]"
        case .object(let object) where !object.isEmpty:
            if fitsOnOneLine(object.members.map(\.value)), spaced(value).count <= lineWidth { return spaced(value) }
            let body = object.members.map {
                inner + JSON.string($0.key).compactString + ": " + text($0.value, indent: indent + 1)
            }
            return "{\n" + body.joined(separator: ",\n") + "\n" + closing + "}"
        default:
            return value.compactString
        }
    }

    private static func fitsOnOneLine(_ elements: [JSON]) -> Bool {
        holdsNoContainers(elements) && spaced(.array(elements)).count <= lineWidth
    }

    private static func holdsNoContainers(_ elements: [JSON]) -> Bool {
        elements.allSatisfy {
            switch $0 {
            case .array(let inner): inner.isEmpty
            case .object(let inner): inner.isEmpty
            default: true
            }
        }
    }

    /// Plain values separated by ", ", as many to a line as fit in ``lineWidth``.
    private static func filled(_ elements: [JSON], indent: String) -> String {
        var lines: [String] = []
        var line = ""
        for (index, element) in elements.enumerated() {
            let item = element.compactString + (index < elements.count - 1 ? "," : "")
            if !line.isEmpty && line.count + 1 + item.count > lineWidth {
                lines.append(indent + line)
                line = item
            } else {
                line += (line.isEmpty ? "" : " ") + item
            }
        }
        lines.append(indent + line)
        return lines.joined(separator: "\n")
    }

    /// The one-line form with a space after each comma and colon.
    private static func spaced(_ value: JSON) -> String {
        switch value {
        case .array(let elements): "[" + elements.map(spaced).joined(separator: ", ") + "]"
        case .object(let object):
            "{" + object.members.map { JSON.string($0.key).compactString + ": " + spaced($0.value) }
                .joined(separator: ", ") + "}"
        default: value.compactString
        }
    }
}
