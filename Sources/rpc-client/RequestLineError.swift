/// Why a line of input cannot be turned into a request. Every description is a sentence
/// that says what to type instead.
enum RequestLineError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A line starting with `{` or `[` that is not valid JSON.
    case invalidJSON(String)
    /// The first word is not a method name.
    case invalidMethod(String)
    /// A word after the method that is not `key=value`.
    case missingEquals(String)
    /// `=value` with nothing before the `=`.
    case emptyKey(String)
    /// `key:=value` where the value is not JSON.
    case invalidForcedJSON(key: String, reason: String)
    /// A bare `{...}` argument that is not a JSON object.
    case invalidParamsObject(String)
    /// A quote or bracket that is never closed.
    case unterminated(String)

    var description: String {
        switch self {
        case .invalidJSON(let reason):
            "The line is not valid JSON (\(reason)); a line starting with { or [ must be a whole request or batch."
        case .invalidMethod(let word):
            "'\(word)' is not a method name; start the line with the method, e.g. identity.show."
        case .missingEquals(let word):
            "'\(word)' is not key=value; quote a value that contains spaces, e.g. text=\"hello world\"."
        case .emptyKey(let word):
            "'\(word)' has no key before the '='."
        case .invalidForcedJSON(let key, let reason):
            "The value of '\(key)' after ':=' is not valid JSON (\(reason)); drop the ':' to send it as a string."
        case .invalidParamsObject(let word):
            "'\(word)' is not a JSON object; params go by name, as key=value or as one {...} object."
        case .unterminated(let word):
            "A quote or bracket in '\(word)' is never closed."
        }
    }
}
