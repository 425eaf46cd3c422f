import VarianceProtos

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A `/variance/identity/1.0.0` request: "send me your identity record and, if asked, one
/// one-time key".
public struct KeyRequest: Sendable, Hashable {
    /// The format version this code writes and accepts.
    public static let version: UInt32 = 1

    /// The DID the requester wants to reach (the responder's).
    public var did: String
    /// Whether a one-time key is wanted (before opening a new Olm session).
    public var wantOneTimeKey: Bool
    /// The sequence of the requester's copy of the record (0: none); the responder may omit
    /// a record that is not newer.
    public var knownSequence: UInt64

    public init(did: String, wantOneTimeKey: Bool, knownSequence: UInt64 = 0) {
        self.did = did
        self.wantOneTimeKey = wantOneTimeKey
        self.knownSequence = knownSequence
    }

    /// The encoded `KeyRequest`.
    public var bytes: [UInt8] {
        var p = Variance_Identity_V1_KeyRequest()
        p.version = Self.version
        p.did = did
        p.wantOneTimeKey = wantOneTimeKey
        p.knownSequence = knownSequence
        return try! p.serializedBytes()
    }

    /// Decodes an encoded `KeyRequest`.
    public init(bytes: [UInt8]) throws(MessagingError) {
        guard bytes.count <= MessagingLimits.maxControlMessageBytes else { throw .tooLarge("key request") }
        guard let p = try? Variance_Identity_V1_KeyRequest(serializedBytes: bytes) else { throw .malformed("key request") }
        guard p.version == Self.version else { throw .unsupportedVersion(p.version) }
        guard p.did.utf8.count <= MessagingLimits.maxDIDBytes else { throw .tooLarge("did") }
        self.init(did: p.did, wantOneTimeKey: p.wantOneTimeKey, knownSequence: p.knownSequence)
    }
}

/// A `/variance/identity/1.0.0` response, unverified until ``verify(expectedDID:)``.
public struct KeyResponse: Sendable {
    /// The format version this code writes and accepts.
    public static let version: UInt32 = 1

    /// Why a responder did not answer with a record (`KeyResponse.Error`).
    public enum Refusal: Int, Sendable, Hashable, CaseIterable {
        case unknownDID = 1, unsupportedVersion, malformed, rateLimited
    }

    /// The encoded record, if sent.
    public var recordBytes: [UInt8]?
    /// A one-time key (its signature is checked by ``verify(expectedDID:)``).
    public var oneTimeKey: SignedOlmKey?
    /// Set when the responder refused.
    public var refusal: Refusal?

    public init(recordBytes: [UInt8]?, oneTimeKey: SignedOlmKey?, refusal: Refusal? = nil) {
        self.recordBytes = recordBytes
        self.oneTimeKey = oneTimeKey
        self.refusal = refusal
    }

    /// The encoded `KeyResponse`.
    public func encoded() throws(MessagingError) -> [UInt8] {
        var p = Variance_Identity_V1_KeyResponse()
        p.version = Self.version
        if let recordBytes {
            guard let r = try? Variance_Identity_V1_SignedIdentityRecord(serializedBytes: recordBytes) else {
                throw .malformed("identity record")
            }
            p.record = r
        }
        if let oneTimeKey { p.oneTimeKey = oneTimeKey.proto }
        p.error = refusal.flatMap { .init(rawValue: $0.rawValue) } ?? .none
        guard let bytes: [UInt8] = try? p.serializedBytes() else { throw .malformed("key response") }
        guard bytes.count <= MessagingLimits.maxControlMessageBytes else { throw .tooLarge("key response") }
        return bytes
    }

    /// Decodes an encoded `KeyResponse` (sizes only; nothing is verified yet).
    public init(bytes: [UInt8]) throws(MessagingError) {
        guard bytes.count <= MessagingLimits.maxControlMessageBytes else { throw .tooLarge("key response") }
        guard let p = try? Variance_Identity_V1_KeyResponse(serializedBytes: bytes) else {
            throw .malformed("key response")
        }
        guard p.version == Self.version else { throw .unsupportedVersion(p.version) }
        var recordBytes: [UInt8]?
        if p.hasRecord {
            guard let b: [UInt8] = try? p.record.serializedBytes() else { throw .malformed("identity record") }
            recordBytes = b
        }
        self.init(
            recordBytes: recordBytes,
            oneTimeKey: p.hasOneTimeKey ? try SignedOlmKey(proto: p.oneTimeKey) : nil,
            refusal: p.error == .none ? nil : (Refusal(rawValue: p.error.rawValue) ?? .malformed))
    }

    /// Verifies the record against `expectedDID` and the one-time key against the record's
    /// Olm Ed25519 key (or `known`'s, when the responder left the record out).
    ///
    /// - Returns: The verified record (nil when none was sent) and one-time key.
    public func verify(expectedDID: String, known: IdentityRecord? = nil) throws(MessagingError)
        -> (record: IdentityRecord?, oneTimeKey: SignedOlmKey?)
    {
        let record = try recordBytes.map { (b) throws(MessagingError) in
            try UnverifiedIdentityRecord(bytes: b).verify(expectedDID: expectedDID)
        }
        guard let oneTimeKey else { return (record, nil) }
        guard let signer = record ?? known, signer.did == expectedDID else { throw .malformed("one-time key without record") }
        guard oneTimeKey.isValid(kind: .oneTime, signer: signer.ed25519Key) else { throw .badSignature("one-time key") }
        return (record, oneTimeKey)
    }
}
