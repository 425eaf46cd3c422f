import VarianceRPC

/// Turns parsed input into the frames the engine receives, numbering requests 1, 2, 3...
///
/// A `method k=v` call becomes `{"jsonrpc":"2.0","id":N,"method":...,"params":{...}}`
/// (no `params` when there are none). Raw JSON is sent as written, except that an object
/// with a `method` but no `jsonrpc` gets `"jsonrpc":"2.0"` and, if it has no `id`, the next
/// number; the same applies to each object of a batch. An object that has `jsonrpc` and no
/// `id` is a notification and stays one.
struct RequestEnvelope: Sendable {
    /// The id the next numbered request gets.
    private(set) var nextID: Int64

    init(firstID: Int64 = 1) { nextID = firstID }

    /// The frame to send for `line`, or nil for a blank line.
    mutating func frame(for line: RequestLine) -> JSON? {
        switch line {
        case .blank:
            return nil
        case .call(let method, let params):
            var object: JSONObject = ["jsonrpc": "2.0", "id": .int(takeID()), "method": .string(method)]
            if !params.isEmpty { object["params"] = .object(params) }
            return .object(object)
        case .json(.array(let elements)):
            var completedElements: [JSON] = []
            for element in elements { completedElements.append(completed(element)) }
            return .array(completedElements)
        case .json(let value):
            return completed(value)
        }
    }

    /// `value` with the JSON-RPC envelope filled in, if it is an object with a method and
    /// no `jsonrpc`; else `value` unchanged.
    private mutating func completed(_ value: JSON) -> JSON {
        guard case .object(let object) = value, object["method"]?.stringValue != nil, object["jsonrpc"] == nil
        else { return value }
        var filled: JSONObject = ["jsonrpc": "2.0", "id": object["id"] ?? .int(takeID())]
        for member in object.members where member.key != "id" { filled.members.append(member) }
        return .object(filled)
    }

    private mutating func takeID() -> Int64 {
        defer { nextID += 1 }
        return nextID
    }
}
