/// A verified `/ipfs/kad/1.0.0` message: a request or a response.
///
/// Built from the wire only through ``decode(_:configuration:)``, which refuses oversized
/// input and drops peer entries whose ID or addresses do not parse; values built locally go
/// to the wire with ``serializedBytes()``. Both directions go through the protobuf code
/// generated from `protos/libp2p/kad.proto` (module LibP2PProtos).
public struct KadMessage: Sendable, Hashable {
    /// The spec's `MessageType`.
    public enum MessageType: Int, Sendable, Hashable, CaseIterable {
        /// Store a record at the receiver.
        case putValue = 0
        /// Ask for a record and closer peers.
        case getValue = 1
        /// Announce the sender as a provider of the key.
        case addProvider = 2
        /// Ask for providers and closer peers.
        case getProviders = 3
        /// Ask for the peers closest to a peer ID.
        case findNode = 4
        /// Liveness check, answered with PING.
        case ping = 5
    }

    /// The message type.
    public var type: MessageType
    /// The key (for FIND_NODE, a binary peer ID).
    public var key: [UInt8]
    /// The record of PUT_VALUE and of GET_VALUE responses.
    public var record: KadRecord?
    /// Peers closer to the key.
    public var closerPeers: [KadPeer]
    /// Providers of the key.
    public var providerPeers: [KadPeer]
    /// The unused Coral cluster level, carried as received.
    public var clusterLevelRaw: Int32

    /// A message.
    public init(
        type: MessageType, key: [UInt8] = [], record: KadRecord? = nil, closerPeers: [KadPeer] = [],
        providerPeers: [KadPeer] = [], clusterLevelRaw: Int32 = 0
    ) {
        self.type = type
        self.key = key
        self.record = record
        self.closerPeers = closerPeers
        self.providerPeers = providerPeers
        self.clusterLevelRaw = clusterLevelRaw
    }
}

extension KadMessage {
    /// A FIND_NODE request for the peers closest to `key` (a binary peer ID, or any key for
    /// a bootstrap lookup).
    public static func findNode(_ key: [UInt8]) -> KadMessage { KadMessage(type: .findNode, key: key) }
    /// A GET_VALUE request.
    public static func getValue(_ key: [UInt8]) -> KadMessage { KadMessage(type: .getValue, key: key) }
    /// A GET_PROVIDERS request.
    public static func getProviders(_ key: [UInt8]) -> KadMessage { KadMessage(type: .getProviders, key: key) }
    /// A PUT_VALUE request carrying `record` under its own key.
    public static func putValue(_ record: KadRecord) -> KadMessage {
        KadMessage(type: .putValue, key: record.key, record: record)
    }
    /// An ADD_PROVIDER request announcing `provider` (which must be the sender) for `key`.
    public static func addProvider(_ key: [UInt8], provider: KadPeer) -> KadMessage {
        KadMessage(type: .addProvider, key: key, providerPeers: [provider])
    }
    /// A PING request (or response).
    public static let ping = KadMessage(type: .ping)
}
