/// A request id: a number or a string (JSON-RPC 2.0 §4). A request without an id is a
/// notification and gets no reply.
public enum RPCID: Sendable, Hashable, CustomStringConvertible {
    case int(Int64)
    case string(String)
    case double(Double)

    public init?(_ json: JSON) {
        switch json {
        case .int(let i): self = .int(i)
        case .string(let s): self = .string(s)
        case .double(let d): self = .double(d)
        default: return nil
        }
    }

    public var json: JSON {
        switch self {
        case .int(let i): .int(i)
        case .string(let s): .string(s)
        case .double(let d): .double(d)
        }
    }

    public var description: String { json.compactString }
}

/// One element of what a client sent, classified.
public enum RPCIncoming: Sendable, Equatable {
    /// A request that expects exactly one reply.
    case request(id: RPCID, method: String, params: JSON?)
    /// A notification: no reply, ever.
    case notification(method: String, params: JSON?)
    /// Not a valid request. `id` is what could be recovered from it (null otherwise).
    case invalid(id: RPCID?, error: RPCError)

    /// Classifies one JSON value per JSON-RPC 2.0 §4.
    public static func classify(_ value: JSON) -> RPCIncoming {
        guard case .object(let object) = value else {
            return .invalid(id: nil, error: .invalidRequest("expected a JSON object"))
        }
        let rawID = object["id"]
        var id: RPCID?
        if let rawID, !rawID.isNull {
            guard let parsed = RPCID(rawID) else {
                return .invalid(id: nil, error: .invalidRequest("'id' must be a string or a number"))
            }
            id = parsed
        }
        guard object["jsonrpc"] == .string("2.0") else {
            return .invalid(id: id, error: .invalidRequest("'jsonrpc' must be \"2.0\""))
        }
        guard case .string(let method)? = object["method"] else {
            return .invalid(id: id, error: .invalidRequest("'method' must be a string"))
        }
        let params = object["params"]
        if let params {
            switch params {
            case .object, .array: break
            default: return .invalid(id: id, error: .invalidRequest("'params' must be an object"))
            }
        }
        if rawID == nil { return .notification(method: method, params: params) }
        // `"id": null` is allowed by the spec but discouraged; answer it with a null id.
        guard let id else {
            return .invalid(id: nil, error: .invalidRequest("'id' must not be null"))
        }
        return .request(id: id, method: method, params: params)
    }
}

/// Builds reply and notification objects.
public enum RPCFrame {
    public static func result(id: RPCID, _ result: JSON) -> JSON {
        .object(["jsonrpc": "2.0", "id": id.json, "result": result])
    }

    public static func error(id: RPCID?, _ error: RPCError) -> JSON {
        .object(["jsonrpc": "2.0", "id": id?.json ?? .null, "error": error.json])
    }

    public static func notification(method: String, params: JSON) -> JSON {
        .object(["jsonrpc": "2.0", "method": .string(method), "params": params])
    }
}
