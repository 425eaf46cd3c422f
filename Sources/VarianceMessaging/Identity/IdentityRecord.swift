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

/// A verified identity record: "this DID talks Olm with these keys and is reachable at
/// these peer IDs", signed by the DID's Ed25519 key (`protos/variance/identity.proto`).
///
/// Only ``UnverifiedIdentityRecord/verify(expectedDID:)`` and ``make(identity:account:peerIDs:sequence:now:)``
/// produce one, so holding an `IdentityRecord` means its signatures were checked.
///
/// Signed bytes: `"variance/identity-record/v1"`, `0x00`, then the encoded
/// `IdentityRecordBody` exactly as it travels (no re-encoding, so no canonical form needed).
public struct IdentityRecord: Sendable, Hashable {
    /// The record format version this code writes and accepts.
    public static let version: UInt32 = 1
    /// The signature's domain separator.
    public static let signatureDomain = "variance/identity-record/v1"

    /// The `did:key` this record speaks for.
    public let did: String
    /// The Olm Curve25519 identity key.
    public let curve25519Key: Curve25519PublicKey
    /// The Olm Ed25519 key (signs ``fallbackKey`` and ``oneTimeKeys``).
    public let ed25519Key: Ed25519PublicKey
    /// The fallback key, signed by ``ed25519Key``, if the account has one.
    public let fallbackKey: SignedOlmKey?
    /// One-time keys offered when the record was made, signed by ``ed25519Key``.
    public let oneTimeKeys: [SignedOlmKey]
    /// The node peer IDs the DID is reachable at (1...``MessagingLimits/maxPeerIDs``).
    public let peerIDs: [PeerID]
    /// Strictly increasing per DID; a record with a higher sequence replaces an older one.
    public let sequence: UInt64
    /// When it was signed, Unix milliseconds.
    public let issuedAtMs: Int64
    /// The username, if any.
    public let username: String?

    /// The bytes the DID key signs for an encoded body.
    public static func signedBytes(body: [UInt8]) -> [UInt8] {
        Array(signatureDomain.utf8) + [0] + body
    }

    /// Makes and signs the record of `identity` and `account`.
    ///
    /// Offers the account's unpublished one-time keys (the first
    /// ``MessagingLimits/maxOfferedOneTimeKeys``) and its current fallback key (published or
    /// not); the caller marks keys published afterwards. A username longer than
    /// ``MessagingLimits/maxUsernameBytes`` is left out.
    ///
    /// - Parameters:
    ///   - peerIDs: 1...``MessagingLimits/maxPeerIDs`` peer IDs; an empty list is a
    ///     programming error and traps, extra ones are dropped.
    ///   - sequence: Higher than every earlier record of this DID.
    ///   - now: Unix milliseconds.
    public static func make(
        identity: Identity, account: OlmAccount, peerIDs: [PeerID], sequence: UInt64, now: Int64
    ) -> SignedIdentityRecord {
        precondition(!peerIDs.isEmpty, "an identity record names at least one peer ID")
        var body = Variance_Identity_V1_IdentityRecordBody()
        body.version = version
        body.did = identity.did
        body.curve25519Key = Data(account.curve25519Key.bytes)
        body.ed25519Key = Data(account.ed25519Key.bytes)
        if let f = account.fallback {
            body.fallbackKey = SignedOlmKey.sign(
                kind: .fallback, keyID: (0..<8).map { UInt8(truncatingIfNeeded: f.id >> (56 - 8 * UInt64($0))) }, key: f.pair.publicKey, account: account
            ).proto
        }
        body.oneTimeKeys = account.oneTimeKeys.prefix(MessagingLimits.maxOfferedOneTimeKeys).map {
            SignedOlmKey.sign(kind: .oneTime, keyID: $0.keyId, key: $0.key, account: account).proto
        }
        body.peerIds = peerIDs.prefix(MessagingLimits.maxPeerIDs).map { Data($0.bytes) }
        body.sequence = sequence
        body.issuedAtMs = now
        if let name = identity.username, name.utf8.count <= MessagingLimits.maxUsernameBytes {
            body.username = name
        }
        // Encoding a message with only set scalar fields cannot fail.
        let bodyBytes: [UInt8] = try! body.serializedBytes()
        let signature = try! identity.signingKey.signature(for: signedBytes(body: bodyBytes))
        var outer = Variance_Identity_V1_SignedIdentityRecord()
        outer.body = Data(bodyBytes)
        outer.signature = Data(signature)
        let bytes: [UInt8] = try! outer.serializedBytes()
        // Our own record always verifies; anything else is our bug.
        let record = try! UnverifiedIdentityRecord(bytes: bytes).verify(expectedDID: identity.did)
        return SignedIdentityRecord(record: record, bytes: bytes)
    }
}

/// A verified record with the exact bytes that carry it (to store, serve or forward).
public struct SignedIdentityRecord: Sendable, Hashable {
    /// The verified content.
    public let record: IdentityRecord
    /// The encoded `SignedIdentityRecord` protobuf.
    public let bytes: [UInt8]
}
