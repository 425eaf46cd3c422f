/// `engine.shutdown`: replies `{}`, finishes the requests in flight, then exits 0.
public enum EngineShutdown: RPCMethod {
    public static let name = "engine.shutdown"
    public typealias Params = NoParams
    public typealias Result = EmptyResult
}
