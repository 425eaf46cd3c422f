import Testing
import VarianceIdentity
import VarianceOlm
@testable import VarianceMessaging

struct IdentityRecordTests {
    static func party(_ name: String) -> (Identity, OlmAccount, SignedIdentityRecord) {
        let (identity, _) = Identity.create(username: name, now: 1_700_000_000)
        var account = OlmAccount()
        account.generateOneTimeKeys(5)
        account.generateFallbackKey()
        let record = IdentityRecord.make(
            identity: identity, account: account, peerIDs: [identity.peerID], sequence: 1, now: 1_700_000_000_000)
        return (identity, account, record)
    }

    @Test func roundTrip() throws {
        let (identity, account, signed) = Self.party("alice")
        let record = try UnverifiedIdentityRecord(bytes: signed.bytes).verify(expectedDID: identity.did)
        #expect(record == signed.record)
        #expect(record.did == identity.did)
        #expect(record.curve25519Key == account.curve25519Key)
        #expect(record.ed25519Key == account.ed25519Key)
        #expect(record.oneTimeKeys.map(\.key) == account.oneTimeKeys.map(\.key))
        #expect(record.fallbackKey?.key == account.fallbackKey?.key)
        #expect(record.peerIDs == [identity.peerID])
        #expect(record.username == "alice")
        #expect(record.sequence == 1 && record.issuedAtMs == 1_700_000_000_000)
    }

    @Test func wrongDIDRefused() throws {
        let (_, _, signed) = Self.party("alice")
        let (other, _) = Identity.create(username: nil, now: 0)
        #expect(throws: MessagingError.didMismatch) {
            try UnverifiedIdentityRecord(bytes: signed.bytes).verify(expectedDID: other.did)
        }
    }

    /// Flipping any single bit anywhere is refused (by the decoder or by a signature).
    @Test func tamperingAnyByteRefused() throws {
        let (identity, _, signed) = Self.party("alice")
        for i in signed.bytes.indices {
            for bit in [0, 3, 7] {
                var bytes = signed.bytes
                bytes[i] ^= 1 << bit
                #expect(throws: MessagingError.self) {
                    try UnverifiedIdentityRecord(bytes: bytes).verify(expectedDID: identity.did)
                }
            }
        }
    }

    @Test func oversizeRefused() throws {
        let (identity, _, signed) = Self.party("alice")
        let big = signed.bytes + [UInt8](repeating: 0, count: MessagingLimits.maxIdentityRecordBytes)
        #expect(throws: MessagingError.tooLarge("identity record")) {
            try UnverifiedIdentityRecord(bytes: big).verify(expectedDID: identity.did)
        }
    }

    @Test func garbageRefused() throws {
        var rng = SystemRandomNumberGenerator()
        for n in [0, 1, 2, 7, 64, 300, 5000] {
            let bytes = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
            #expect(throws: MessagingError.self) {
                try UnverifiedIdentityRecord(bytes: bytes).verify(expectedDID: "did:key:z6Mk")
            }
        }
    }
}

struct KeyExchangeTests {
    @Test func requestAndResponse() throws {
        var (identity, account, signed) = IdentityRecordTests.party("bob")
        let request = try KeyRequest(bytes: KeyRequest(did: identity.did, wantOneTimeKey: true).bytes)
        #expect(request.did == identity.did && request.wantOneTimeKey)
        account.generateOneTimeKeys(1)
        let fresh = try #require(account.oneTimeKeys.last)
        let key = SignedOlmKey.sign(kind: .oneTime, keyID: fresh.keyId, key: fresh.key, account: account)
        let wire = try KeyResponse(recordBytes: signed.bytes, oneTimeKey: key).encoded()
        let (record, otk) = try KeyResponse(bytes: wire).verify(expectedDID: identity.did)
        #expect(record == signed.record && otk == key)
        // Without the record, the one-time key is checked against the known one.
        let short = try KeyResponse(recordBytes: nil, oneTimeKey: key).encoded()
        #expect(try KeyResponse(bytes: short).verify(expectedDID: identity.did, known: signed.record).oneTimeKey == key)
        // A one-time key signed by another account is refused.
        let other = SignedOlmKey.sign(kind: .oneTime, keyID: fresh.keyId, key: fresh.key, account: OlmAccount())
        let forged = try KeyResponse(recordBytes: signed.bytes, oneTimeKey: other).encoded()
        #expect(throws: MessagingError.badSignature("one-time key")) {
            try KeyResponse(bytes: forged).verify(expectedDID: identity.did)
        }
        let refused = try KeyResponse(bytes: KeyResponse(recordBytes: nil, oneTimeKey: nil, refusal: .unknownDID).encoded())
        #expect(refused.refusal == .unknownDID && refused.recordBytes == nil)
    }
}
