import VarianceRPC

/// What the engine wrote, classified for display and for matching replies to requests.
enum EngineMessage: Sendable {
    /// A reply: the id it answers and its `result` or `error`.
    case reply(id: JSON, outcome: Result<JSON, RPCError>)
    /// A notification (no id).
    case notification(method: String, params: JSON)
    /// A batch of replies.
    case batch([EngineMessage])
    /// Anything else (not valid JSON-RPC; shown as is).
    case other(JSON)

    init(_ frame: JSON) {
        switch frame {
        case .array(let elements):
            self = .batch(elements.map(EngineMessage.init))
        case .object(let object):
            if case .string(let method)? = object["method"], object["id"] == nil {
                self = .notification(method: method, params: object["params"] ?? .object([:]))
            } else if let id = object["id"], let result = object["result"] {
                self = .reply(id: id, outcome: .success(result))
            } else if let id = object["id"], case .object(let error)? = object["error"] {
                let rpcError = RPCError(
                    code: Int(error["code"]?.intValue ?? 0),
                    message: error["message"]?.stringValue ?? "(no message)",
                    data: error["data"])
                self = .reply(id: id, outcome: .failure(rpcError))
            } else {
                self = .other(frame)
            }
        default:
            self = .other(frame)
        }
    }

    /// The method, if this is a notification.
    var notificationMethod: String? {
        if case .notification(let method, _) = self { method } else { nil }
    }
}
