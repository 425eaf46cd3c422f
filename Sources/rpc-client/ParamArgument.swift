import VarianceRPC

/// One `key=value` argument, from a line of input or from the command line of
/// `rpc-client call`.
///
/// | argument | value sent |
/// | --- | --- |
/// | `limit=20` | `20` |
/// | `active=true`, `replyTo=null` | `true`, `null` |
/// | `members=["@bob","@carol"]` | the array |
/// | `text="hello world"` | `"hello world"` (a JSON string literal) |
/// | `text='say "hi"'` | `"say \"hi\""` (single quotes: the text as is) |
/// | `username=007`, `text=hello` | `"007"`, `"hello"` (not JSON: a plain string) |
/// | `source:={"audio":"tone:440"}` | the object; `:=` fails if it is not JSON |
/// | `username='42'` | `"42"` |
struct ParamArgument: Equatable, Sendable {
    /// The param's name.
    var key: String
    /// The param's value.
    var value: JSON

    /// Parses `key=value` or `key:=json`. Pure.
    static func parse(_ argument: String) throws(RequestLineError) -> ParamArgument {
        guard let equals = argument.firstIndex(of: "=") else { throw .missingEquals(argument) }
        var key = String(argument[..<equals])
        let raw = String(argument[argument.index(after: equals)...])
        let forcesJSON = key.hasSuffix(":")
        if forcesJSON { key.removeLast() }
        guard !key.isEmpty else { throw .emptyKey(argument) }
        if forcesJSON {
            do { return ParamArgument(key: key, value: try JSONParser.parse(raw)) } catch {
                throw .invalidForcedJSON(key: key, reason: error.description)
            }
        }
        if raw.count >= 2, raw.hasPrefix("'"), raw.hasSuffix("'") {
            return ParamArgument(key: key, value: .string(String(raw.dropFirst().dropLast())))
        }
        if let json = try? JSONParser.parse(raw) { return ParamArgument(key: key, value: json) }
        return ParamArgument(key: key, value: .string(raw))
    }
}
