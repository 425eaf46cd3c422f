import Crypto
import Foundation
import LibP2PCore
import LibP2PProtos
import SwiftProtobuf

/// One pubsub message as carried in `RPC.publish`. It wraps the decoded protobuf so that a
/// forwarded message is sent on exactly as it came (unknown fields included) and so that
/// its signature can be checked over the author's encoding.
///
/// A message taken from the wire has only been decoded; ``verify(policy:)`` checks it
/// against the signature policy before anything trusts its author.
public struct PubSubMessage: Sendable, Hashable {
    /// The protobuf message.
    public let wire: Libp2p_Pubsub_Message

    /// The prefix of the bytes an author signs (pubsub README, "Message Signing").
    public static let signingPrefix = Array("libp2p-pubsub:".utf8)

    /// A message from its protobuf form (not verified).
    public init(wire: Libp2p_Pubsub_Message) {
        self.wire = wire
    }

    /// A message signed by `identity` (StrictSign), as we publish it. The `key` field is
    /// left out: an Ed25519 key is inlined in the author's peer ID.
    ///
    /// - Parameters:
    ///   - data: The payload.
    ///   - topic: The topic.
    ///   - seqno: The author's sequence number (8 bytes big-endian on the wire).
    ///   - identity: The author's Ed25519 key.
    public static func signed(
        data: [UInt8], topic: String, seqno: UInt64, identity: Curve25519.Signing.PrivateKey
    ) -> PubSubMessage {
        var wire = Libp2p_Pubsub_Message()
        wire.from = Data(PeerID(ed25519PublicKey: Array(identity.publicKey.rawRepresentation)).bytes)
        wire.data = Data(data)
        wire.seqno = Data(withUnsafeBytes(of: seqno.bigEndian, Array.init))
        wire.topicIds = [topic]
        // Signing with an in-memory Ed25519 key does not fail.
        if let signature = try? identity.signature(for: signingBytes(of: wire)) {
            wire.signature = Data(signature)
        }
        return PubSubMessage(wire: wire)
    }

    /// An anonymous message (StrictNoSign): no author, sequence number, signature or key.
    public static func unsigned(data: [UInt8], topic: String) -> PubSubMessage {
        var wire = Libp2p_Pubsub_Message()
        wire.data = Data(data)
        wire.topicIds = [topic]
        return PubSubMessage(wire: wire)
    }

    /// The author's binary peer ID bytes, if present.
    public var authorBytes: [UInt8]? { wire.hasFrom ? Array(wire.from) : nil }
    /// The author, if `from` is present and a valid peer ID.
    public var author: PeerID? { authorBytes.flatMap { try? PeerID(bytes: $0) } }
    /// The payload.
    public var data: [UInt8] { Array(wire.data) }
    /// The sequence number bytes, if present.
    public var seqno: [UInt8]? { wire.hasSeqno ? Array(wire.seqno) : nil }
    /// The topic, when the message names exactly one (anything else is dropped by the router).
    public var topic: String? { wire.topicIds.count == 1 ? wire.topicIds[0] : nil }

    /// The bytes the author signs: the prefix and the message without `signature` and `key`.
    static func signingBytes(of wire: Libp2p_Pubsub_Message) -> [UInt8] {
        var unsigned = wire
        unsigned.clearSignature()
        unsigned.clearKey()
        let body: [UInt8] = (try? unsigned.serializedBytes()) ?? []
        return signingPrefix + body
    }

    /// Whether the message is acceptable under `policy`.
    ///
    /// StrictSign: `from` is a peer ID, `seqno` is 8 bytes, the public key is the one inlined
    /// in `from` or given in `key` (which must then hash to `from`), it is an Ed25519 key
    /// (the only type Variance verifies), and the signature is valid.
    /// StrictNoSign: none of `from`, `seqno`, `signature`, `key` is present.
    public func verify(policy: SignaturePolicy) -> Bool {
        switch policy {
        case .strictNoSign:
            return !wire.hasFrom && !wire.hasSeqno && !wire.hasSignature && !wire.hasKey
        case .strictSign:
            guard let author, wire.hasSeqno, wire.seqno.count == 8, wire.hasSignature else { return false }
            let key: LibP2PPublicKey
            if wire.hasKey {
                guard let given = try? LibP2PPublicKey(protobuf: Array(wire.key)),
                    PeerID(publicKey: given) == author
                else { return false }
                key = given
            } else {
                guard let inlined = author.publicKey else { return false }
                key = inlined
            }
            guard key.type == .ed25519,
                let verifier = try? Curve25519.Signing.PublicKey(rawRepresentation: key.data)
            else { return false }
            return verifier.isValidSignature(wire.signature, for: Self.signingBytes(of: wire))
        }
    }

    /// The encoded message.
    var encodedSize: Int { (try? wire.serializedBytes() as [UInt8])?.count ?? 0 }
}
