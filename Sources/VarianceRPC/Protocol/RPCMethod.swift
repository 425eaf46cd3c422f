/// A method of the RPC surface: its name, its params and its result, as wire types.
///
/// One method, one file: each conforming type lives in `Methods/` and is listed in
/// ``RPCRegistry``; `rpc-spec/openrpc.json` is checked against that registry by a test.
public protocol RPCMethod: Sendable {
    associatedtype Params: RPCParams
    associatedtype Result: RPCResult
    /// The wire name, e.g. `"identity.create"`.
    static var name: String { get }
}

/// Params decoded from the request's `params` member.
public protocol RPCParams: Sendable {
    /// Decodes params; throws `-32602` naming the field that is wrong.
    init(from params: ParamsReader) throws(RPCError)
}

/// A result encoded as the reply's `result` member.
public protocol RPCResult: Sendable {
    var json: JSON { get }
}

/// Params for methods that take none. Any object (or none) is accepted.
public struct NoParams: RPCParams {
    public init() {}
    public init(from params: ParamsReader) {}
}

/// The empty result `{}`.
public struct EmptyResult: RPCResult {
    public init() {}
    public var json: JSON { .object([:]) }
}

extension RPCMethod {
    /// Decodes this method's params from a request's `params` member.
    public static func decodeParams(_ params: JSON?) throws(RPCError) -> Params {
        try Params(from: ParamsReader(params))
    }
}
