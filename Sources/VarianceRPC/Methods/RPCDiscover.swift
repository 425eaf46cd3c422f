/// `rpc.discover`: the OpenRPC document (`rpc-spec/openrpc.json`).
public enum RPCDiscover: RPCMethod {
    public static let name = "rpc.discover"
    public typealias Params = NoParams

    public struct Result: RPCResult {
        public var json: JSON
        public init(document: JSON) { json = document }
    }
}
