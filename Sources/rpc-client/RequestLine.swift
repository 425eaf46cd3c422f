import VarianceRPC

/// One line of user input, in either of the two syntaxes the client accepts.
///
/// - Raw JSON: a line that starts with `{` or `[` is a request object or a batch. It is
///   sent as written, except that an object with a `method` but no `jsonrpc` gets the
///   envelope filled in (see ``RequestEnvelope``).
/// - `method key=value key2=value2 ...`: a call with params by name. Each value is JSON if
///   it parses as JSON (`42`, `true`, `null`, `[1,2]`, `{"a":1}`, `"quoted text"`), else a
///   plain string; `key:=value` insists on JSON; `'single quoted'` is a literal string. A
///   bare `{...}` argument is merged into the params. See ``ParamArgument``.
///
/// A blank line, or one whose first non-blank character is `#`, sends nothing.
enum RequestLine: Equatable, Sendable {
    /// Nothing to send: a blank line or a `#` comment.
    case blank
    /// Raw JSON as typed: an object or an array (a batch).
    case json(JSON)
    /// A call of `method` with named params (possibly none).
    case call(method: String, params: JSONObject)

    /// Parses one line. Pure: no I/O, no request ids (those come from ``RequestEnvelope``).
    static func parse(_ line: String) throws(RequestLineError) -> RequestLine {
        let text = line.trimmingWhitespace()
        guard let first = text.unicodeScalars.first, first != "#" else { return .blank }
        if first == "{" || first == "[" {
            let value: JSON
            do { value = try JSONParser.parse(text) } catch { throw .invalidJSON(error.description) }
            return .json(value)
        }
        let words = try LineTokenizer.split(text)
        let method = words[0]
        guard !method.contains("="), !method.hasPrefix("\""), !method.hasPrefix("'") else {
            throw .invalidMethod(method)
        }
        var params = JSONObject()
        for word in words.dropFirst() {
            if word.hasPrefix("{") {
                guard case .object(let object)? = try? JSONParser.parse(word) else {
                    throw .invalidParamsObject(word)
                }
                for member in object.members { params[member.key] = member.value }
            } else {
                let param = try ParamArgument.parse(word)
                params[param.key] = param.value
            }
        }
        return .call(method: method, params: params)
    }
}

extension String {
    /// The string without leading and trailing white space (including new lines).
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[start...end])
    }
}
