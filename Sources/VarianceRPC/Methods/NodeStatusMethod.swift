/// `node.status`: this node's peer ID, listen addresses and connectivity.
public enum NodeStatusMethod: RPCMethod {
    public static let name = "node.status"
    public typealias Params = NoParams

    public struct Result: RPCResult {
        public var peerId: String
        public var listenAddrs: [String]
        public var connectedPeers: Int
        /// What AutoNAT (asked of our relays) found: "unknown", "public" or "private".
        public var nat: String
        /// Where others reach us through relays we hold a reservation on (`…/p2p-circuit`).
        public var relays: [String]
        /// Whether the Kademlia DHT runs, and how many peers its routing table holds.
        public var dhtEnabled: Bool
        public var dhtPeers: Int

        public init(
            peerId: String, listenAddrs: [String], connectedPeers: Int, nat: String = "unknown", relays: [String] = [],
            dhtEnabled: Bool = false,
            dhtPeers: Int = 0
        ) {
            self.peerId = peerId
            self.listenAddrs = listenAddrs
            self.connectedPeers = connectedPeers
            self.nat = nat
            self.relays = relays
            self.dhtEnabled = dhtEnabled
            self.dhtPeers = dhtPeers
        }

        public var json: JSON {
            ["peerId": .string(peerId), "listenAddrs": .array(listenAddrs.map(JSON.string)),
             "connectedPeers": .int(Int64(connectedPeers)), "nat": .string(nat), "relays": .array(relays.map(JSON.string)),
             "dht": ["enabled": .bool(dhtEnabled), "peers": .int(Int64(dhtPeers))]]
        }
    }
}
