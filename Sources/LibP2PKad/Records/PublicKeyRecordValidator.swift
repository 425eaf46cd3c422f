import LibP2PCore

/// The `/pk/` namespace (libp2p kad-dht, "Value routing"): the key is `/pk/` followed by a
/// binary peer ID and the value is the `PublicKey` protobuf whose peer ID that is.
public struct PublicKeyRecordValidator: RecordValidator {
    /// The validator.
    public init() {}

    /// The `/pk/` key of a peer.
    public static func key(for peer: PeerID) -> [UInt8] {
        Array("/pk/".utf8) + peer.bytes
    }

    /// Refuses a value that is not the public key of the peer named by the key.
    public func validate(key: [UInt8], value: [UInt8]) throws(KadError) {
        let prefix = Array("/pk/".utf8)
        guard key.starts(with: prefix), let peer = try? PeerID(bytes: Array(key.dropFirst(prefix.count))),
            let publicKey = try? LibP2PPublicKey(protobuf: value), publicKey.protobuf == value,
            PeerID(publicKey: publicKey) == peer
        else { throw .invalidRecord }
    }

    /// Every valid value for a key is the same key, so the first.
    public func select(key: [UInt8], values: [[UInt8]]) -> Int { 0 }
}
