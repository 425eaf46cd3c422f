import Crypto
import LibP2PCore
import VarianceIdentity
import VarianceProtos

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A verified invite: "you can reach this DID at these peers and addresses until then",
/// signed by the DID key. Shared as a `variance://invite/…` link or its QR code
/// (`protos/variance/invite.proto`).
public struct Invite: Sendable, Equatable {
    public static let version: UInt32 = 1
    public static let linkPrefix = "variance://invite/"
    static let signatureDomain = "variance/invite/v1"
    /// The largest `SignedInvite` accepted.
    public static let maxBytes = 2048
    /// At most this many addresses are put in an invite.
    public static let maxAddresses = 8

    public var did: String
    public var peerIDs: [PeerID]
    public var addresses: [Multiaddr]
    /// Unix milliseconds.
    public var expiresAt: Int64
    public var username: String?

    /// The link of a new invite signed by `identity`.
    /// - Parameters:
    ///   - addresses: Where to dial; the first ``maxAddresses`` are kept.
    ///   - expiresAt: Unix milliseconds.
    public static func link(
        identity: Identity, peerIDs: [PeerID], addresses: [Multiaddr], expiresAt: Int64,
        using rng: inout some RandomNumberGenerator
    ) -> String {
        var body = Variance_Invite_V1_InviteBody()
        body.version = version
        body.did = identity.did
        body.peerIds = peerIDs.prefix(MessagingLimits.maxPeerIDs).map { Data($0.bytes) }
        body.addrs = addresses.prefix(maxAddresses).map { Data($0.bytes) }
        body.expiresAtMs = expiresAt
        if let username = identity.username, username.utf8.count <= MessagingLimits.maxUsernameBytes {
            body.username = username
        }
        body.nonce = Data((0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) })
        // Serializing our own well-formed message cannot fail, nor can Ed25519 signing.
        let bodyBytes: [UInt8] = try! body.serializedBytes()
        var signed = Variance_Invite_V1_SignedInvite()
        signed.body = Data(bodyBytes)
        signed.signature = try! identity.signingKey.signature(for: signedBytes(body: bodyBytes))
        let bytes: [UInt8] = try! signed.serializedBytes()
        return linkPrefix + Multibase.encode(bytes, as: .base64url)
    }

    static func signedBytes(body: [UInt8]) -> [UInt8] {
        Array(signatureDomain.utf8) + [0] + body
    }

    /// Parses and verifies a link (or the text scanned from its QR code).
    ///
    /// - Parameter now: Unix milliseconds; an invite is refused after its expiry.
    /// - Throws: ``InviteError``.
    public init(link: String, now: Int64) throws(InviteError) {
        let text = link.trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix(Self.linkPrefix), text.utf8.count <= Self.linkPrefix.utf8.count + 4 * Self.maxBytes / 3 + 8 else {
            throw .malformed("not a variance://invite/ link")
        }
        let encoded = String(text.dropFirst(Self.linkPrefix.count))
        guard let decoded = try? Multibase.decode(encoded), decoded.encoding == .base64url else {
            throw .malformed("the link's data is not base64url")
        }
        let bytes = decoded.bytes
        guard bytes.count <= Self.maxBytes,
            let signed = try? Variance_Invite_V1_SignedInvite(serializedBytes: bytes),
            let body = try? Variance_Invite_V1_InviteBody(serializedBytes: signed.body)
        else { throw .malformed("the link does not hold an invite") }
        guard body.version == Self.version else { throw .malformed("an invite of version \(body.version)") }
        guard body.did.utf8.count <= MessagingLimits.maxDIDBytes, let key = try? DIDKey.publicKey(fromDID: body.did),
            let verifier = try? Curve25519.Signing.PublicKey(rawRepresentation: key)
        else { throw .malformed("the invite's DID") }
        guard signed.signature.count == 64,
            verifier.isValidSignature(signed.signature, for: Self.signedBytes(body: Array(signed.body)))
        else { throw .badSignature }
        guard now < body.expiresAtMs else { throw .expired(at: body.expiresAtMs) }
        guard (1...MessagingLimits.maxPeerIDs).contains(body.peerIds.count), body.addrs.count <= Self.maxAddresses,
            body.username.utf8.count <= MessagingLimits.maxUsernameBytes
        else { throw .malformed("the invite's sizes") }
        var peerIDs: [PeerID] = []
        for raw in body.peerIds {
            guard let peer = try? PeerID(bytes: Array(raw)) else { throw .malformed("a peer ID") }
            peerIDs.append(peer)
        }
        did = body.did
        self.peerIDs = peerIDs
        addresses = body.addrs.compactMap { try? Multiaddr(bytes: Array($0)) }
        expiresAt = body.expiresAtMs
        username = body.username.isEmpty ? nil : body.username
    }
}

/// Why an invite was refused.
public enum InviteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not an invite link, or its contents are malformed.
    case malformed(String)
    /// The signature does not verify against the DID: the link was altered.
    case badSignature
    /// It expired (Unix milliseconds).
    case expired(at: Int64)

    public var description: String {
        switch self {
        case .malformed(let what): "The invite is not valid: \(what)."
        case .badSignature: "The invite's signature does not match its DID; the link was altered. Ask for a new one."
        case .expired: "The invite has expired. Ask for a new one."
        }
    }
}
