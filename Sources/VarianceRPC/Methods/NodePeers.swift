/// `node.peers`: the connected peers, with what Identify and Ping told us.
public enum NodePeers: RPCMethod {
    public static let name = "node.peers"
    public typealias Params = NoParams

    public struct Peer: Sendable {
        public var peerId: String
        public var addrs: [String]
        public var protocols: [String]
        public var latencyMs: Double?
        public init(peerId: String, addrs: [String], protocols: [String], latencyMs: Double?) {
            self.peerId = peerId
            self.addrs = addrs
            self.protocols = protocols
            self.latencyMs = latencyMs
        }
        var json: JSON {
            var object: JSONObject = [
                "peerId": .string(peerId), "addrs": .array(addrs.map(JSON.string)),
                "protocols": .array(protocols.map(JSON.string)),
            ]
            object["latencyMs"] = latencyMs.map(JSON.double) ?? .null
            return .object(object)
        }
    }

    public struct Result: RPCResult {
        public var peers: [Peer]
        public init(peers: [Peer]) { self.peers = peers }
        public var json: JSON { ["peers": .array(peers.map(\.json))] }
    }
}
