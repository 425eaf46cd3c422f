import Crypto
import LibP2PCore
import VarianceIdentity
import VarianceOlm
import VarianceProtos

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Identity record bytes from the network, decoded and size-checked but not yet verified.
/// ``verify(expectedDID:)`` turns it into an ``IdentityRecord``.
public struct UnverifiedIdentityRecord: Sendable {
    /// The DID the record claims to speak for (unverified: use only to pick `expectedDID`).
    public var claimedDID: String { body.did }
    /// The sequence the record claims (unverified).
    public var claimedSequence: UInt64 { body.sequence }

    let bytes: [UInt8]
    let bodyBytes: [UInt8]
    let body: Variance_Identity_V1_IdentityRecordBody
    let signature: [UInt8]

    /// Decodes an encoded `SignedIdentityRecord`.
    ///
    /// - Throws: ``MessagingError/tooLarge(_:)`` beyond ``MessagingLimits/maxIdentityRecordBytes``,
    ///   ``MessagingError/malformed(_:)`` for bytes that are not a record,
    ///   ``MessagingError/unsupportedVersion(_:)``.
    public init(bytes: [UInt8]) throws(MessagingError) {
        guard bytes.count <= MessagingLimits.maxIdentityRecordBytes else { throw .tooLarge("identity record") }
        guard let outer = try? Variance_Identity_V1_SignedIdentityRecord(serializedBytes: bytes) else {
            throw .malformed("identity record")
        }
        guard outer.signature.count == 64 else { throw .malformed("record signature") }
        guard let body = try? Variance_Identity_V1_IdentityRecordBody(serializedBytes: outer.body) else {
            throw .malformed("identity record body")
        }
        guard body.version == IdentityRecord.version else { throw .unsupportedVersion(body.version) }
        self.bytes = bytes
        self.bodyBytes = Array(outer.body)
        self.body = body
        self.signature = Array(outer.signature)
    }

    /// Checks the record: the DID is `expectedDID`, the DID key signed it, the Olm keys are
    /// well formed, the fallback and one-time keys are signed by the Olm Ed25519 key, sizes
    /// are within ``MessagingLimits``, and every peer ID parses.
    ///
    /// - Parameter expectedDID: Whom the caller asked for (a DID, never a peer ID).
    /// - Returns: The verified record (its bytes are the ones this value was made from).
    /// - Throws: ``MessagingError``.
    public func verify(expectedDID: String) throws(MessagingError) -> IdentityRecord {
        guard body.did.utf8.count <= MessagingLimits.maxDIDBytes else { throw .tooLarge("did") }
        guard body.did == expectedDID else { throw .didMismatch }
        guard let didKey = try? DIDKey.publicKey(fromDID: body.did),
            let verifier = try? Curve25519.Signing.PublicKey(rawRepresentation: didKey)
        else { throw .malformed("did") }
        guard verifier.isValidSignature(signature, for: IdentityRecord.signedBytes(body: bodyBytes)) else {
            throw .badSignature("identity record")
        }
        guard let curve = try? Curve25519PublicKey(bytes: Array(body.curve25519Key)) else {
            throw .malformed("curve25519 identity key")
        }
        guard body.ed25519Key.count == 32,
            (try? Curve25519.Signing.PublicKey(rawRepresentation: body.ed25519Key)) != nil
        else { throw .malformed("ed25519 key") }
        let ed = Ed25519PublicKey(unchecked: Array(body.ed25519Key))
        var fallback: SignedOlmKey?
        if body.hasFallbackKey {
            let key = try SignedOlmKey(proto: body.fallbackKey)
            guard key.isValid(kind: .fallback, signer: ed) else { throw .badSignature("fallback key") }
            fallback = key
        }
        guard body.oneTimeKeys.count <= MessagingLimits.maxOfferedOneTimeKeys else { throw .tooLarge("one-time keys") }
        var oneTimeKeys: [SignedOlmKey] = []
        for proto in body.oneTimeKeys {
            let key = try SignedOlmKey(proto: proto)
            guard key.isValid(kind: .oneTime, signer: ed) else { throw .badSignature("one-time key") }
            oneTimeKeys.append(key)
        }
        guard !body.peerIds.isEmpty else { throw .malformed("no peer id") }
        guard body.peerIds.count <= MessagingLimits.maxPeerIDs else { throw .tooLarge("peer ids") }
        var peerIDs: [PeerID] = []
        for raw in body.peerIds {
            guard raw.count <= MessagingLimits.maxPeerIDBytes, let id = try? PeerID(bytes: Array(raw)) else {
                throw .malformed("peer id")
            }
            peerIDs.append(id)
        }
        guard body.username.utf8.count <= MessagingLimits.maxUsernameBytes else { throw .tooLarge("username") }
        return IdentityRecord(
            did: body.did, curve25519Key: curve, ed25519Key: ed, fallbackKey: fallback, oneTimeKeys: oneTimeKeys,
            peerIDs: peerIDs, sequence: body.sequence, issuedAtMs: body.issuedAtMs,
            username: body.username.isEmpty ? nil : body.username)
    }
}
