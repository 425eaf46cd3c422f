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
    /// How long one identify exchange or push may take; the stream is reset after it.
    static let exchangeTimeout: Duration = .seconds(10)

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
    ///
    /// - Parameters:
    ///   - bytes: The message.
    ///   - peer: Who sent it.
    ///   - base: For a push, what we knew before: fields the push carries replace its
    ///     values, absent ones (unset strings, empty lists) keep them. Nil for an answer
    ///     to our request, where absent fields are empty.
    static func decode(_ bytes: [UInt8], from peer: PeerID, updating base: Info? = nil) throws -> Info {
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
        let replaceAll = base == nil
        var info = base ?? Info(agentVersion: "", protocolVersion: "", protocols: [], listenAddresses: [])
        if replaceAll || message.hasAgentVersion { info.agentVersion = message.agentVersion }
        if replaceAll || message.hasProtocolVersion { info.protocolVersion = message.protocolVersion }
        if replaceAll || !message.protocols.isEmpty { info.protocols = Array(message.protocols.prefix(256)) }
        if replaceAll || !message.listenAddrs.isEmpty {
            info.listenAddresses = message.listenAddrs.prefix(64).compactMap { try? Multiaddr(bytes: Array($0)) }
        }
        if replaceAll || message.hasObservedAddr {
            info.observedAddress = message.hasObservedAddr ? try? Multiaddr(bytes: Array(message.observedAddr)) : nil
        }
        return info
    }
}
