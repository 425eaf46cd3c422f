import Crypto
import Foundation
import LibP2PCore
import Testing
import VarianceIdentity

struct IdentityTests {
    /// A 24-word BIP39 vector mnemonic and the identity it must always give. The expected
    /// values were computed independently with Python (hashlib PBKDF2 + HMAC for SLIP-0010
    /// m/44'/2237'/0', `cryptography` for Ed25519 and HKDF). They pin the derivation: if this
    /// test fails, existing users would get a different DID from the same words.
    static let knownWords = Mnemonic.words(fromPhrase:
        "legal winner thank year wave sausage worth useful legal winner thank year wave sausage worth useful legal winner thank year wave sausage worth title")
    static let knownSeed = "295efc44c471604d48622180060c278aeb4b37f65098ce057fcb386f298202be"
    static let knownPublicKey = "1f5b029919bd6cdcc412f21a0d078b51ea7864a02f3db526a38c825515cbf924"
    static let knownDID = "did:key:z6MkgZfB3QnP7bjKbtUajnDxkj3SynVtYq6swsouf8QpLD2s"
    static let knownFingerprint = "9639 FE48 E8B2 8540 01D4 D2AF ABC0 6407 B10B 0147"
    static let knownStorageKey = "24cbcf2ed4091adca0cff5bdea3fa59e74e23f58367923e50762b54bde3a2fcd"

    @Test func knownMnemonicGivesKnownIdentity() throws {
        let identity = try Identity.recover(mnemonic: Self.knownWords, username: "alice", now: 1_700_000_000)
        #expect(identity.identitySeed.hex == Self.knownSeed)
        #expect(identity.publicKey.hex == Self.knownPublicKey)
        #expect(identity.did == Self.knownDID)
        #expect(identity.fingerprint == Self.knownFingerprint)
        #expect(identity.storageKey.withUnsafeBytes { Array($0) }.hex == Self.knownStorageKey)
        #expect(identity.username == "alice")
        #expect(identity.createdAt == 1_700_000_000)
    }

    @Test func createThenRecoverGivesSameDID() throws {
        let (created, words) = Identity.create(username: nil, now: 42)
        #expect(words.count == 24)
        #expect(created.createdAt == 42)
        #expect(created.username == nil)
        let recovered = try Identity.recover(mnemonic: words, username: "bob", now: 43)
        #expect(recovered.did == created.did)
        #expect(recovered.identitySeed == created.identitySeed)
        #expect(recovered.fingerprint == created.fingerprint)
        // The node key is random, not derived from the mnemonic.
        #expect(recovered.nodeKeySeed != created.nodeKeySeed)
        #expect(recovered.peerID != created.peerID)
        #expect(recovered.nodeKeySeed != recovered.identitySeed)
    }

    @Test func derivedValuesAreConsistent() throws {
        let (identity, _) = Identity.create(username: "carol", now: 0)
        #expect(identity.did.hasPrefix("did:key:z6Mk"))
        #expect(try DIDKey.publicKey(fromDID: identity.did) == identity.publicKey)
        #expect(identity.signingKey.rawRepresentation == Data(identity.identitySeed))
        #expect(identity.nodeKey.rawRepresentation == Data(identity.nodeKeySeed))
        let peerID = identity.peerID
        #expect(peerID.description.hasPrefix("12D3KooW"))
        #expect(peerID.ed25519PublicKey == Array(identity.nodeKey.publicKey.rawRepresentation))
        #expect(try PeerID(string: peerID.description) == peerID)
        #expect(identity.storageKey.bitCount == 256)
        let signature = try identity.signingKey.signature(for: Array("hello".utf8))
        #expect(identity.signingKey.publicKey.isValidSignature(signature, for: Array("hello".utf8)))
    }

    @Test func fingerprintFormat() {
        let fingerprint = Identity.fingerprint(ofPublicKey: [UInt8](repeating: 0, count: 32))
        let groups = fingerprint.split(separator: " ")
        #expect(groups.count == 10)
        #expect(groups.allSatisfy { $0.count == 4 && $0.allSatisfy { "0123456789ABCDEF".contains($0) } })
    }

    @Test func recoverRefusesBadMnemonics() {
        var words = Self.knownWords
        words.swapAt(0, 2)
        #expect(throws: IdentityError.badChecksum) { try Identity.recover(mnemonic: words, username: nil, now: 0) }
        #expect(throws: IdentityError.invalidMnemonic("expected 12, 15, 18, 21 or 24 words, got 23")) {
            try Identity.recover(mnemonic: Array(Self.knownWords.dropLast()), username: nil, now: 0)
        }
    }
}
