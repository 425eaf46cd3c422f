import VarianceOlm
import VarianceProtos

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A Curve25519 one-time or fallback key of an Olm account, signed by that account's
/// Ed25519 key.
///
/// Signed bytes: `"variance/olm-one-time-key/v1"` or `"variance/olm-fallback-key/v1"`,
/// then `0x00`, `u8 len(keyID)`, `keyID`, the 32-byte key. The kind is part of the signed
/// bytes, so a one-time key cannot be passed off as a fallback key or the reverse.
public struct SignedOlmKey: Sendable, Hashable {
    /// What the key is for.
    public enum Kind: Sendable, Hashable {
        case oneTime, fallback

        var domain: String {
            switch self {
            case .oneTime: "variance/olm-one-time-key/v1"
            case .fallback: "variance/olm-fallback-key/v1"
            }
        }
    }

    /// The account's key id (opaque, 1...16 bytes; the 8-byte Olm key counter).
    public let keyID: [UInt8]
    /// The Curve25519 public key.
    public let key: Curve25519PublicKey
    /// The 64-byte Ed25519 signature.
    public let signature: [UInt8]

    /// The bytes the signature covers.
    public static func signedBytes(kind: Kind, keyID: [UInt8], key: Curve25519PublicKey) -> [UInt8] {
        Array(kind.domain.utf8) + [0, UInt8(truncatingIfNeeded: keyID.count)] + keyID + key.bytes
    }

    /// Signs `key` with `account`'s Ed25519 key.
    ///
    /// - Parameters:
    ///   - keyID: The key id as the account prints it (unpadded base64 of 8 bytes); an
    ///     unparsable id is used as its UTF-8 bytes, clipped to ``MessagingLimits/maxKeyIDBytes``.
    public static func sign(kind: Kind, keyID: String, key: Curve25519PublicKey, account: OlmAccount) -> SignedOlmKey {
        sign(kind: kind, keyID: UnpaddedBase64.decode(keyID) ?? Array(keyID.utf8), key: key, account: account)
    }

    /// Signs `key` with `account`'s Ed25519 key; `keyID` is clipped to ``MessagingLimits/maxKeyIDBytes``.
    public static func sign(kind: Kind, keyID: [UInt8], key: Curve25519PublicKey, account: OlmAccount) -> SignedOlmKey {
        let id = Array(keyID.prefix(MessagingLimits.maxKeyIDBytes))
        return SignedOlmKey(keyID: id, key: key, signature: account.sign(signedBytes(kind: kind, keyID: id, key: key)))
    }

    package init(keyID: [UInt8], key: Curve25519PublicKey, signature: [UInt8]) {
        self.keyID = keyID
        self.key = key
        self.signature = signature
    }

    /// Whether the signature is `signer`'s over this key as a key of `kind`.
    public func isValid(kind: Kind, signer: Ed25519PublicKey) -> Bool {
        signer.isValidSignature(signature, for: Self.signedBytes(kind: kind, keyID: keyID, key: key))
    }

    /// Parses the wire form; checks sizes only (not the signature).
    init(proto: Variance_Identity_V1_SignedCurveKey) throws(MessagingError) {
        guard (1...MessagingLimits.maxKeyIDBytes).contains(proto.keyID.count) else { throw .malformed("key id") }
        guard proto.signature.count == 64 else { throw .malformed("key signature") }
        guard let key = try? Curve25519PublicKey(bytes: Array(proto.key)) else { throw .malformed("curve25519 key") }
        self.init(keyID: Array(proto.keyID), key: key, signature: Array(proto.signature))
    }

    /// The wire form.
    var proto: Variance_Identity_V1_SignedCurveKey {
        var p = Variance_Identity_V1_SignedCurveKey()
        p.keyID = Data(keyID)
        p.key = Data(key.bytes)
        p.signature = Data(signature)
        return p
    }
}
