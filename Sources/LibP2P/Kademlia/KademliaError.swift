import LibP2PKad

/// Why a ``Kademlia`` operation failed. Small and free of keys and values, so it can be logged.
public enum KademliaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// ``Kademlia/shutdown()`` was called.
    case shutDown
    /// ``KademliaConfiguration/maxConcurrentLookups`` lookups are already running.
    case busy
    /// The core refused the key, the record or the store is full.
    case refused(KadError)
    /// No peer to ask: the routing table is empty (bootstrap first).
    case noPeers

    /// A sentence saying what is wrong.
    public var description: String {
        switch self {
        case .shutDown: "the Kademlia service is shut down"
        case .busy: "too many Kademlia lookups are running; try again later"
        case .refused(let error): "refused: \(error)"
        case .noPeers: "no DHT peers are known; bootstrap first"
        }
    }
}
