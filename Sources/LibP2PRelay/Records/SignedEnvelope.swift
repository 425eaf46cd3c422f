import Crypto
import Foundation
import LibP2PCore
import LibP2PProtos

/// A signed envelope (libp2p RFC 0002): a payload, its type, and the signer's key and
/// signature over both, bound to a domain string so that a signature made for one use
/// cannot be replayed for another. Only Ed25519 signers are accepted.
public struct SignedEnvelope: Sendable, Equatable {
    public enum OpenError: Error, Sendable, Equatable {
        case malformed
        case unsupportedKey
        case wrongPayloadType
        case badSignature
    }

    /// The signer.
    public let signer: PeerID
    public let payloadType: [UInt8]
    public let payload: [UInt8]

    /// Seals `payload` with `key` for `domain`; returns the envelope's bytes.
    public static func seal(
        payload: [UInt8], payloadType: [UInt8], domain: String, key: Curve25519.Signing.PrivateKey
    ) throws -> [UInt8] {
        let signature = try key.signature(for: signedBytes(domain: domain, payloadType: payloadType, payload: payload))
        var envelope = Libp2p_Record_Envelope()
        var publicKey = Libp2p_Crypto_PublicKey()
        publicKey.type = .ed25519
        publicKey.data = key.publicKey.rawRepresentation
        envelope.publicKey = publicKey
        envelope.payloadType = Data(payloadType)
        envelope.payload = Data(payload)
        envelope.signature = Data(signature)
        return try envelope.serializedBytes()
    }

    /// Opens envelope bytes: checks the payload type and the signature for `domain`.
    public static func open(_ bytes: [UInt8], domain: String, payloadType: [UInt8]) throws(OpenError) -> SignedEnvelope {
        guard bytes.count <= 8192, let envelope = try? Libp2p_Record_Envelope(serializedBytes: bytes) else {
            throw .malformed
        }
        guard envelope.publicKey.type == .ed25519, envelope.publicKey.data.count == 32,
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: envelope.publicKey.data)
        else { throw .unsupportedKey }
        guard Array(envelope.payloadType) == payloadType else { throw .wrongPayloadType }
        let signed = signedBytes(domain: domain, payloadType: payloadType, payload: Array(envelope.payload))
        guard key.isValidSignature(envelope.signature, for: signed) else { throw .badSignature }
        return SignedEnvelope(
            signer: PeerID(ed25519PublicKey: Array(envelope.publicKey.data)), payloadType: payloadType,
            payload: Array(envelope.payload))
    }

    /// What is signed: each of domain, type and payload prefixed with its uvarint length.
    static func signedBytes(domain: String, payloadType: [UInt8], payload: [UInt8]) -> [UInt8] {
        let domainBytes = Array(domain.utf8)
        return Varint.encode(UInt64(domainBytes.count)) + domainBytes + Varint.encode(UInt64(payloadType.count))
            + payloadType + Varint.encode(UInt64(payload.count)) + payload
    }
}
