/// Splits a `method key=value ...` line into words at white space, keeping together a
/// value that starts with a quote or a bracket.
///
/// Quoting is recognised only where a value starts (the start of a word, or just after its
/// first `=`), so `text=it's` stays one plain word. There:
/// - `"..."` runs to the closing quote, honouring JSON backslash escapes;
/// - `'...'` runs to the next `'`;
/// - `[...]` and `{...}` run to the matching bracket, skipping brackets inside JSON strings.
///
/// Words keep their quotes and brackets: ``ParamArgument`` decides what a value means.
enum LineTokenizer {
    /// The words of `line`, at least one if the line is not blank.
    static func split(_ line: String) throws(RequestLineError) -> [String] {
        let scalars = Array(line.unicodeScalars)
        var words: [String] = []
        var index = 0
        while index < scalars.count {
            if scalars[index].properties.isWhitespace {
                index += 1
                continue
            }
            let start = index
            var atValueStart = true
            var seenEquals = false
            while index < scalars.count {
                let scalar = scalars[index]
                if atValueStart {
                    atValueStart = false
                    if let end = closingIndex(in: scalars, openingAt: index) {
                        index = end + 1
                        continue
                    } else if scalar == "\"" || scalar == "'" || scalar == "[" || scalar == "{" {
                        throw .unterminated(String(String.UnicodeScalarView(scalars[start...])))
                    }
                }
                if scalar.properties.isWhitespace { break }
                index += 1
                if scalar == "=" && !seenEquals {
                    seenEquals = true
                    atValueStart = true
                }
            }
            words.append(String(String.UnicodeScalarView(scalars[start..<index])))
        }
        return words
    }

    /// For a quote or an opening bracket at `start`, the index of what closes it; nil if
    /// `start` holds neither, or if nothing closes it.
    private static func closingIndex(in scalars: [Unicode.Scalar], openingAt start: Int) -> Int? {
        switch scalars[start] {
        case "\"": return endOfJSONString(in: scalars, from: start)
        case "'": return scalars[(start + 1)...].firstIndex(of: "'")
        case "[", "{": break
        default: return nil
        }
        var depth = 0
        var index = start
        while index < scalars.count {
            switch scalars[index] {
            case "[", "{": depth += 1
            case "]", "}":
                depth -= 1
                if depth == 0 { return index }
            case "\"":
                guard let end = endOfJSONString(in: scalars, from: index) else { return nil }
                index = end
            default: break
            }
            index += 1
        }
        return nil
    }

    /// The index of the quote that ends the JSON string opening at `start`.
    private static func endOfJSONString(in scalars: [Unicode.Scalar], from start: Int) -> Int? {
        var index = start + 1
        while index < scalars.count {
            switch scalars[index] {
            case "\\": index += 2
            case "\"": return index
            default: index += 1
            }
        }
        return nil
    }
}
