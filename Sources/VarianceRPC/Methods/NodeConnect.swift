/// `node.connect {multiaddr}`: dials a peer (TCP, Noise, yamux) and returns its peer ID.
public enum NodeConnect: RPCMethod {
    public static let name = "node.connect"

    public struct Params: RPCParams {
        public var multiaddr: String
        public init(from params: ParamsReader) throws(RPCError) {
            multiaddr = try params.string("multiaddr")
            guard multiaddr.hasPrefix("/"), multiaddr.utf8.count <= 1024 else {
                throw RPCError.invalidParams(field: "multiaddr", reason: "must be a multiaddr such as /ip4/127.0.0.1/tcp/4001")
            }
        }
    }

    public struct Result: RPCResult {
        public var peerId: String
        public init(peerId: String) { self.peerId = peerId }
        public var json: JSON { ["peerId": .string(peerId)] }
    }
}
