import LibP2PCore
import Testing
import VarianceIdentity
import VarianceProtos
@testable import VarianceMessaging

/// Username normalization and signed claims: forged, expired or misfiled claims are refused;
/// first come, first served.
struct UsernameClaimTests {
    let alice = Identity.create(username: "alice", now: 0).0
    let mallory = Identity.create(username: nil, now: 0).0

    @Test(arguments: [
        ("alice", "alice"), ("@Alice", "alice"), ("ALICE_99", "alice_99"), ("bob", "bob"),
    ])
    func normalizes(raw: String, expected: String) {
        #expect(Username.normalize(raw) == expected)
    }

    @Test(arguments: ["", "ab", "9lives", "_alice", "al ice", "ali-ce", "аlice" /* Cyrillic а */, "ａlice", "é", String(repeating: "a", count: 33)])
    func refusesNamesOutsideTheAlphabet(raw: String) {
        #expect(Username.normalize(raw) == nil)
    }

    func claim(_ identity: Identity, name: String = "alice", claimedAt: Int64 = 1_000, now: Int64 = 1_000) -> [UInt8] {
        UsernameClaim.sign(name: name, identity: identity, peerIDs: [identity.peerID], claimedAt: claimedAt, now: now, lifetime: 10_000)
    }

    @Test func aClaimVerifiesUnderItsKeyWhileLive() throws {
        let verified = try UsernameClaim(bytes: claim(alice), key: Username.key("alice"), now: 2_000)
        #expect(verified.did == alice.did)
        #expect(verified.peerIDs == [alice.peerID])
        #expect(throws: UsernameError.expired) { try UsernameClaim(bytes: claim(alice), key: Username.key("alice"), now: 11_000) }
        #expect(throws: UsernameError.malformed) { try UsernameClaim(bytes: claim(alice), key: Username.key("bob"), now: 2_000) }
    }

    @Test func aForgedClaimIsRefused() throws {
        // Mallory's claim with alice's DID put in the body: the signature no longer matches.
        var signed = try Variance_Username_V1_SignedUsernameClaim(serializedBytes: claim(mallory))
        var body = try Variance_Username_V1_UsernameClaimBody(serializedBytes: signed.body)
        body.did = alice.did
        signed.body = try body.serializedData()
        let forged: [UInt8] = try signed.serializedBytes()
        #expect(throws: UsernameError.badSignature) { try UsernameClaim(bytes: forged, key: Username.key("alice"), now: 2_000) }
        #expect(throws: UsernameError.malformed) { try UsernameClaim(bytes: [1, 2, 3], key: Username.key("alice"), now: 2_000) }
    }

    @Test func theHolderKeepsTheNameAndOnlyTheHolderRenews() throws {
        let key = Username.key("alice")
        let first = try UsernameClaim(bytes: claim(alice, claimedAt: 1_000, now: 1_000), key: key, now: 2_000)
        let renewed = try UsernameClaim(bytes: claim(alice, claimedAt: 1_000, now: 1_500), key: key, now: 2_000)
        let late = try UsernameClaim(bytes: claim(mallory, claimedAt: 1_200, now: 1_200), key: key, now: 2_000)
        // Mallory backdates claimedAt: it decides nothing.
        let backdated = try UsernameClaim(bytes: claim(mallory, claimedAt: 0, now: 1_300), key: key, now: 2_000)
        #expect(UsernameClaim.winner([first, late]) == 0)
        #expect(UsernameClaim.winner([first, backdated]) == 0)
        #expect(UsernameClaim.winner([first, late, renewed]) == 2)
        #expect(UsernameClaim.winner([]) == nil)
    }
}
