import Crypto
import LibP2PCore
import VarianceIdentity
import VarianceProtos

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Usernames: the alphabet, and signed claims "this name belongs to this DID" as published
/// in the DHT (`protos/variance/username.proto`).
public enum Username {
    /// The DHT key namespace.
    public static let keyPrefix = "/variance/username/"
    /// The longest a claim may live; the holder renews it.
    public static let maxLifetimeMillis: Int64 = 7 * 24 * 3600 * 1000

    /// The normalized form of a name: ASCII only, case-folded, 3 to 32 characters of
    /// `a-z`, `0-9` and `_`, starting with a letter. Anything else (other scripts, look-alike
    /// letters, spaces) is refused rather than mapped, so two names that look alike are
    /// the same name or not allowed. A leading `@` is dropped.
    /// - Returns: the name, or nil when it is not allowed.
    public static func normalize(_ raw: String) -> String? {
        var text = Substring(raw)
        if text.hasPrefix("@") { text = text.dropFirst() }
        let bytes = Array(text.utf8)
        guard (3...32).contains(bytes.count), bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
        let lowered = bytes.map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }
        guard (0x61...0x7A).contains(lowered[0]),
            lowered.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F })
        else { return nil }
        return String(decoding: lowered, as: UTF8.self)
    }

    /// The DHT key of a normalized name.
    public static func key(_ name: String) -> [UInt8] { Array((keyPrefix + name).utf8) }
}

/// A verified username claim.
public struct UsernameClaim: Sendable, Equatable {
    static let signatureDomain = "variance/username/v1"
    /// The largest encoded claim accepted.
    public static let maxBytes = 2048

    public var name: String
    public var did: String
    public var peerIDs: [PeerID]
    public var claimedAt: Int64
    public var issuedAt: Int64
    public var expiresAt: Int64

    /// Signs a claim of `name` (normalized) by `identity`.
    public static func sign(
        name: String, identity: Identity, peerIDs: [PeerID], claimedAt: Int64, now: Int64, lifetime: Int64
    ) -> [UInt8] {
        var body = Variance_Username_V1_UsernameClaimBody()
        body.version = 1
        body.name = name
        body.did = identity.did
        body.peerIds = peerIDs.prefix(MessagingLimits.maxPeerIDs).map { Data($0.bytes) }
        body.claimedAtMs = claimedAt
        body.issuedAtMs = now
        body.expiresAtMs = now + min(lifetime, Username.maxLifetimeMillis)
        let bodyBytes: [UInt8] = try! body.serializedBytes()
        var signed = Variance_Username_V1_SignedUsernameClaim()
        signed.body = Data(bodyBytes)
        signed.signature = try! identity.signingKey.signature(for: Array(signatureDomain.utf8) + [0] + bodyBytes)
        return try! signed.serializedBytes()
    }

    /// Decodes and verifies a claim read under `key` at time `now` (Unix milliseconds):
    /// well formed, signed by its DID, for the name the key names, live at `now`.
    /// - Throws: ``UsernameError``.
    public init(bytes: [UInt8], key: [UInt8], now: Int64) throws(UsernameError) {
        guard bytes.count <= Self.maxBytes,
            let signed = try? Variance_Username_V1_SignedUsernameClaim(serializedBytes: bytes),
            let body = try? Variance_Username_V1_UsernameClaimBody(serializedBytes: signed.body)
        else { throw .malformed }
        guard body.version == 1, Username.normalize(body.name) == body.name, Username.key(body.name) == key else {
            throw .malformed
        }
        guard body.did.utf8.count <= MessagingLimits.maxDIDBytes, let didKey = try? DIDKey.publicKey(fromDID: body.did),
            let verifier = try? Curve25519.Signing.PublicKey(rawRepresentation: didKey)
        else { throw .malformed }
        guard signed.signature.count == 64,
            verifier.isValidSignature(signed.signature, for: Array(Self.signatureDomain.utf8) + [0] + Array(signed.body))
        else { throw .badSignature }
        guard body.claimedAtMs <= body.issuedAtMs, body.expiresAtMs - body.issuedAtMs <= Username.maxLifetimeMillis else {
            throw .malformed
        }
        guard body.issuedAtMs <= now + 300_000, now < body.expiresAtMs else { throw .expired }
        guard (1...MessagingLimits.maxPeerIDs).contains(body.peerIds.count) else { throw .malformed }
        var peers: [PeerID] = []
        for raw in body.peerIds {
            guard let peer = try? PeerID(bytes: Array(raw)) else { throw .malformed }
            peers.append(peer)
        }
        name = body.name
        did = body.did
        peerIDs = peers
        claimedAt = body.claimedAtMs
        issuedAt = body.issuedAtMs
        expiresAt = body.expiresAtMs
    }

    /// The index of the claim that holds the name among valid claims, the first being the
    /// one already held (a DHT node's stored record, or the best answer so far): the holder
    /// keeps the name, and only the same DID replaces it, with a newer claim. A claimant's
    /// own `claimedAt` decides nothing, since anyone can backdate it.
    public static func winner(_ claims: [UsernameClaim]) -> Int? {
        guard var best = claims.indices.first else { return nil }
        for index in claims.indices.dropFirst()
        where claims[index].did == claims[best].did && claims[index].issuedAt > claims[best].issuedAt {
            best = index
        }
        return best
    }
}

/// Why a username claim was refused.
public enum UsernameError: Error, Sendable, Equatable {
    case malformed
    case badSignature
    case expired
}
