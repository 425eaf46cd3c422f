import FoundationEssentials
import LibP2PCore
import LibP2PProtos

/// `/ipfs/id/1.0.0` and `/ipfs/id/push/1.0.0`: what a peer says about itself.
public enum Identify {
    public static let protocolID = "/ipfs/id/1.0.0"
    public static let pushProtocolID = "/ipfs/id/push/1.0.0"
    public static let protocolVersion = "ipfs/0.1.0"
    /// The largest Identify message accepted.
    static let maxMessageBytes = 64 * 1024

    /// What we learned about a peer.
    public struct Info: Sendable, Equatable {
        public var agentVersion: String
        public var protocolVersion: String
        public var protocols: [String]
        public var listenAddresses: [Multiaddr]
        /// Our address as the peer sees it.
        public var observedAddress: Multiaddr?
    }

    static func message(
        publicKey: LibP2PPublicKey, agent: String, protocols: [String], listenAddresses: [Multiaddr], observed: Multiaddr?
    ) -> Libp2p_Identify_Identify {
        var message = Libp2p_Identify_Identify()
        message.protocolVersion = protocolVersion
        message.agentVersion = agent
        message.publicKey = Data(publicKey.protobuf)
        message.listenAddrs = listenAddresses.map { Data($0.bytes) }
        if let observed { message.observedAddr = Data(observed.bytes) }
        message.protocols = protocols
        return message
    }

    /// Decodes an Identify message and checks that its key is the peer's.
    static func decode(_ bytes: [UInt8], from peer: PeerID) throws -> Info {
        let message: Libp2p_Identify_Identify
        do { message = try Libp2p_Identify_Identify(serializedBytes: bytes) } catch {
            throw LibP2PError.protocolViolation("the identify message is not valid protobuf")
        }
        if message.hasPublicKey {
            let key = try? LibP2PPublicKey(protobuf: Array(message.publicKey))
            guard let key, PeerID(publicKey: key) == peer else {
                throw LibP2PError.protocolViolation("the identify message carries a key that is not the peer's")
            }
        }
        return Info(
            agentVersion: message.agentVersion, protocolVersion: message.protocolVersion,
            protocols: Array(message.protocols.prefix(256)),
            listenAddresses: message.listenAddrs.prefix(64).compactMap { try? Multiaddr(bytes: Array($0)) },
            observedAddress: message.hasObservedAddr ? try? Multiaddr(bytes: Array(message.observedAddr)) : nil)
    }
}
