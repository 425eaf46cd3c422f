/// `node.status`: this node's peer ID, listen addresses and connectivity.
public enum NodeStatusMethod: RPCMethod {
    public static let name = "node.status"
    public typealias Params = NoParams

    public struct Result: RPCResult {
        public var peerId: String
        public var listenAddrs: [String]
        public var connectedPeers: Int
        /// NAT detection arrives with the relay issue; until then "unknown".
        public var nat: String
        public var relays: [String]
        /// The DHT arrives with the discovery issue; until then disabled.
        public var dhtEnabled: Bool

        public init(peerId: String, listenAddrs: [String], connectedPeers: Int) {
            self.peerId = peerId
            self.listenAddrs = listenAddrs
            self.connectedPeers = connectedPeers
            nat = "unknown"
            relays = []
            dhtEnabled = false
        }

        public var json: JSON {
            ["peerId": .string(peerId), "listenAddrs": .array(listenAddrs.map(JSON.string)),
             "connectedPeers": .int(Int64(connectedPeers)), "nat": .string(nat), "relays": .array(relays.map(JSON.string)),
             "dht": ["enabled": .bool(dhtEnabled), "peers": 0]]
        }
    }
}
