/// `$/cancelRequest {id}`: a notification that cancels the request `id` if it is still in
/// flight; that request is then answered with `-32800`. Unknown ids are ignored.
public enum CancelRequest: RPCMethod {
    public static let name = "$/cancelRequest"

    public struct Params: RPCParams {
        public var id: RPCID

        public init(from params: ParamsReader) throws(RPCError) {
            guard let raw = params.object["id"], let id = RPCID(raw) else {
                throw RPCError.invalidParams(field: "id", reason: "must be the string or number id of a request")
            }
            self.id = id
        }
    }

    public typealias Result = EmptyResult
}
