/// A JSON-RPC error object: `{code, message, data?}`, with the codes of the RPC contract.
///
/// `message` is always a sentence a person can act on; it never carries secrets, message
/// text or stack traces.
public struct RPCError: Error, Sendable, Equatable {
    public var code: Int
    public var message: String
    public var data: JSON?

    public init(code: Int, message: String, data: JSON? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    /// The error as a JSON object.
    public var json: JSON {
        var object: JSONObject = ["code": .int(Int64(code)), "message": .string(message)]
        if let data { object["data"] = data }
        return .object(object)
    }
}

/// The error codes of the RPC contract (shared/RPC-CONTRACT.md).
public enum RPCErrorCode {
    public static let parseError = -32700
    public static let invalidRequest = -32600
    public static let methodNotFound = -32601
    public static let invalidParams = -32602
    public static let internalError = -32603
    public static let requestCancelled = -32800
    public static let noIdentity = -32001
    public static let notFound = -32002
    public static let unreachable = -32003
    public static let tooLarge = -32004
    public static let conflict = -32005
    public static let cryptoFailure = -32006
}

extension RPCError {
    public static func parseError(_ detail: String) -> RPCError {
        RPCError(code: RPCErrorCode.parseError, message: "The message is not valid JSON: \(detail).")
    }
    public static let invalidUTF8 = RPCError(
        code: RPCErrorCode.parseError, message: "The message is not valid UTF-8; send UTF-8 encoded JSON.")
    public static func lineTooLong(limit: Int) -> RPCError {
        RPCError(
            code: RPCErrorCode.parseError,
            message: "The message is longer than the limit of \(limit) bytes and was skipped.",
            data: ["limit": .int(Int64(limit))])
    }
    public static func invalidRequest(_ reason: String) -> RPCError {
        RPCError(code: RPCErrorCode.invalidRequest, message: "Invalid JSON-RPC 2.0 request: \(reason).")
    }
    public static func methodNotFound(_ method: String) -> RPCError {
        RPCError(
            code: RPCErrorCode.methodNotFound,
            message: "Method '\(method)' does not exist; rpc.discover lists the methods.",
            data: ["method": .string(method)])
    }
    public static func invalidParams(field: String, reason: String) -> RPCError {
        RPCError(
            code: RPCErrorCode.invalidParams,
            message: field.isEmpty ? "Invalid params: \(reason)." : "Invalid params: '\(field)' \(reason).",
            data: ["field": .string(field), "reason": .string(reason)])
    }
    public static let positionalParams = RPCError(
        code: RPCErrorCode.invalidParams,
        message: "Params must be passed by name, as a JSON object; positional params (an array) are not supported.",
        data: ["field": "params", "reason": "positional params are not supported"])
    public static let internalError = RPCError(
        code: RPCErrorCode.internalError,
        message: "The engine hit an internal error; the request was not completed. The log on standard error has details.")
    public static let cancelled = RPCError(
        code: RPCErrorCode.requestCancelled, message: "The request was cancelled.")
    public static func noIdentity(_ message: String) -> RPCError {
        RPCError(code: RPCErrorCode.noIdentity, message: message)
    }
    public static func notFound(_ message: String) -> RPCError {
        RPCError(code: RPCErrorCode.notFound, message: message)
    }
    public static func tooLarge(_ message: String) -> RPCError {
        RPCError(code: RPCErrorCode.tooLarge, message: message)
    }
    public static func conflict(_ message: String) -> RPCError {
        RPCError(code: RPCErrorCode.conflict, message: message)
    }
    public static func cryptoFailure(_ message: String) -> RPCError {
        RPCError(code: RPCErrorCode.cryptoFailure, message: message)
    }
}
