import Crypto
import LibP2PCore
import LibP2PProtos

/// The libp2p Noise handshake payload (libp2p/specs noise/README.md, "The libp2p Handshake
/// Payload"): the protobuf `NoiseHandshakePayload` that proves which libp2p identity owns a
/// Noise static key.
///
/// `identity_key` is the protobuf `PublicKey` of the identity; `identity_sig` is the identity
/// key's signature over `"noise-libp2p-static-key:" ‖ noise static public key`;
/// `extensions.stream_muxers` lists muxers for early negotiation.
enum HandshakePayload {
    /// A payload that passed ``verify(_:remoteStaticKey:)``.
    struct Verified: Sendable {
        /// The peer ID of the remote identity key.
        let peer: PeerID
        /// The muxers the remote side advertised (not acted upon by Noise itself).
        let streamMuxers: [String]
    }

    /// The signed prefix before the Noise static public key.
    static let signaturePrefix = Array("noise-libp2p-static-key:".utf8)

    /// Encodes our payload.
    ///
    /// - Parameters:
    ///   - identity: Our libp2p Ed25519 identity key.
    ///   - staticPublicKey: Our 32-byte Noise static public key.
    ///   - streamMuxers: Muxer protocol IDs to advertise; empty omits `extensions`.
    /// - Throws: ``NoiseError/internalFailure`` if signing or encoding fails (it cannot).
    static func signed(
        identity: Curve25519.Signing.PrivateKey, staticPublicKey: [UInt8], streamMuxers: [String]
    ) throws(NoiseError) -> [UInt8] {
        var payload = Libp2p_Noise_NoiseHandshakePayload()
        payload.identityKey = .init(LibP2PPublicKey(ed25519: Array(identity.publicKey.rawRepresentation)).protobuf)
        do {
            payload.identitySig = .init(try identity.signature(for: signaturePrefix + staticPublicKey))
            if !streamMuxers.isEmpty {
                payload.extensions.streamMuxers = streamMuxers
            }
            return try payload.serializedBytes()
        } catch {
            throw .internalFailure
        }
    }

    /// Decodes a remote payload and checks that its identity key signed `remoteStaticKey`.
    ///
    /// - Parameters:
    ///   - bytes: The decrypted handshake payload.
    ///   - remoteStaticKey: The remote Noise static public key from the same message.
    /// - Returns: The remote peer ID and advertised muxers.
    /// - Throws: ``NoiseError/malformedMessage``, ``NoiseError/unsupportedKeyType``,
    ///   ``NoiseError/invalidPublicKey`` or ``NoiseError/badSignature``.
    static func verify(_ bytes: [UInt8], remoteStaticKey: [UInt8]) throws(NoiseError) -> Verified {
        let payload: Libp2p_Noise_NoiseHandshakePayload
        do {
            payload = try Libp2p_Noise_NoiseHandshakePayload(serializedBytes: bytes)
        } catch {
            throw .malformedMessage
        }
        guard payload.hasIdentityKey, payload.hasIdentitySig else { throw .malformedMessage }
        let identityKey: LibP2PPublicKey
        do {
            identityKey = try LibP2PPublicKey(protobuf: Array(payload.identityKey))
        } catch .unknownKeyType {
            throw .unsupportedKeyType
        } catch .invalidKeyLength {
            throw .invalidPublicKey
        } catch {
            throw .malformedMessage
        }
        guard identityKey.type == .ed25519 else { throw .unsupportedKeyType }
        let verifier: Curve25519.Signing.PublicKey
        do {
            verifier = try Curve25519.Signing.PublicKey(rawRepresentation: identityKey.data)
        } catch {
            throw .invalidPublicKey
        }
        guard verifier.isValidSignature(Array(payload.identitySig), for: signaturePrefix + remoteStaticKey) else {
            throw .badSignature
        }
        return Verified(peer: PeerID(publicKey: identityKey), streamMuxers: payload.extensions.streamMuxers)
    }
}
