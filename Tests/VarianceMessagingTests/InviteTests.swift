import LibP2PCore
import Testing
import VarianceIdentity
import VarianceOlm
import VarianceProtos
@testable import VarianceMessaging

/// Invite links: signed by the DID key, refused when altered, expired or malformed.
struct InviteTests {
    let identity = Identity.create(username: "alice", now: 1_700_000_000).0
    let address = try! Multiaddr("/ip4/127.0.0.1/tcp/4001")

    func link(expiresAt: Int64 = 2_000) -> String {
        var rng = SystemRandom()
        return Invite.link(identity: identity, peerIDs: [identity.peerID], addresses: [address], expiresAt: expiresAt, using: &rng)
    }

    @Test func roundTrips() throws {
        let invite = try Invite(link: link(), now: 1_000)
        #expect(invite.did == identity.did)
        #expect(invite.peerIDs == [identity.peerID])
        #expect(invite.addresses == [address])
        #expect(invite.username == "alice")
        #expect(invite.expiresAt == 2_000)
        // Surrounding whitespace (a pasted or scanned link) is fine.
        #expect(try Invite(link: "  " + link() + "\n", now: 1_000).did == identity.did)
        // Two invites never look alike.
        #expect(link() != link())
    }

    @Test func anAlteredInviteIsRefused() throws {
        let good = link()
        let prefix = Invite.linkPrefix + "u"
        var payload = Array(good.dropFirst(prefix.count))
        var refusedAsTampered = 0
        // Change one character at a time across the payload: never accepted.
        for index in stride(from: 0, to: payload.count, by: 7) {
            let original = payload[index]
            payload[index] = original == "A" ? "B" : "A"
            do {
                _ = try Invite(link: prefix + String(payload), now: 1_000)
                Issue.record("an altered invite was accepted (character \(index))")
            } catch .badSignature {
                refusedAsTampered += 1
            } catch {
                // Malformed is also a refusal.
            }
            payload[index] = original
        }
        #expect(refusedAsTampered > 0)
    }

    @Test func anExpiredInviteIsRefused() {
        #expect(throws: InviteError.expired(at: 2_000)) { try Invite(link: link(), now: 2_000) }
    }

    @Test(arguments: ["", "variance://invite/", "variance://invite/uAAAA", "https://example.com", "variance://invite/zzz"])
    func garbageIsMalformed(text: String) {
        #expect {
            try Invite(link: text, now: 0)
        } throws: { error in
            if case .malformed = error as? InviteError { return true }
            return false
        }
    }

    @Test func anInviteSignedByAnotherKeyIsRefused() throws {
        // Build an invite whose body names alice but is signed by mallory.
        let mallory = Identity.create(username: nil, now: 0).0
        var rng = SystemRandom()
        let forged = Invite.link(identity: mallory, peerIDs: [identity.peerID], addresses: [address], expiresAt: 2_000, using: &rng)
        // Mallory's link names mallory; swapping in alice's DID breaks the signature.
        let decoded = try Multibase.decode(String(forged.dropFirst(Invite.linkPrefix.count))).bytes
        let swapped = try swapDID(in: decoded, to: identity.did)
        #expect(throws: InviteError.badSignature) {
            try Invite(link: Invite.linkPrefix + Multibase.encode(swapped, as: .base64url), now: 1_000)
        }
    }

    private func swapDID(in signed: [UInt8], to did: String) throws -> [UInt8] {
        var outer = try Variance_Invite_V1_SignedInvite(serializedBytes: signed)
        var body = try Variance_Invite_V1_InviteBody(serializedBytes: outer.body)
        body.did = did
        outer.body = try body.serializedData()
        return try outer.serializedBytes()
    }
}
