import LibP2P
import LibP2PCore
import LibP2PRelay
import VarianceMessaging
import VarianceOlm
import VarianceQR
import VarianceStorage

/// An invite as `contacts.invite` hands it out.
public struct InviteSummary: Sendable, Equatable {
    public var link: String
    /// The QR code as terminal text.
    public var qr: String
    /// The QR code as a PNG.
    public var png: [UInt8]
    /// Unix milliseconds.
    public var expiresAt: Int64
}

/// Invites: a signed `variance://invite/…` link (and its QR code) that lets someone add us
/// without discovery, and adding a contact from one.
extension Engine {
    /// Invites live 7 days unless asked otherwise, 30 days at most.
    static let defaultInviteLifetimeMillis: Int64 = 7 * 24 * 3600 * 1000
    static let maxInviteLifetimeMillis: Int64 = 30 * 24 * 3600 * 1000

    /// A new invite naming our DID, our node's peer ID, its listen addresses and its relayed
    /// addresses.
    public func makeInvite(lifetimeSeconds: Int64?) async throws(EngineError) -> InviteSummary {
        let identity = try readyIdentity()
        let lifetime = lifetimeSeconds.map { $0 * 1000 } ?? Self.defaultInviteLifetimeMillis
        guard lifetime > 0, lifetime <= Self.maxInviteLifetimeMillis else {
            throw EngineError.invalid(field: "expiresIn", reason: "must be 1...2592000 seconds")
        }
        guard let node = await startNode() else { throw EngineError.unreachable("the node is not running") }
        // Direct addresses, then the circuits through the relays that hold us.
        let addresses = await node.listenAddresses + node.relayedAddresses.compactMap {
            CircuitAddress.make(relay: CircuitAddress($0)?.relay ?? $0, target: node.localPeer)
        }
        let expiresAt = clock() + lifetime
        var rng = SystemRandom()
        let link = Invite.link(
            identity: identity, peerIDs: [identity.peerID], addresses: addresses, expiresAt: expiresAt, using: &rng)
        let code: QRCode
        do { code = try QRCode(text: link) } catch {
            throw EngineError.internalError("the invite does not fit in a QR code (\(link.utf8.count) bytes)")
        }
        return InviteSummary(link: link, qr: code.terminalText(), png: code.png(), expiresAt: expiresAt)
    }

    /// Adds the contact an invite names: verifies it, dials its addresses until one answers
    /// as one of its peers, fetches and verifies the identity record.
    public func addContact(invite link: String, nickname: String?) async throws(EngineError) -> ContactSummary {
        _ = try readyIdentity()
        let invite: Invite
        do { invite = try Invite(link: link, now: clock()) } catch {
            switch error {
            case .badSignature: throw EngineError.crypto(error.description)
            case .malformed, .expired: throw EngineError.invalid(field: "invite", reason: error.description)
            }
        }
        var lastError: EngineError?
        for address in invite.addresses {
            do {
                let contact = try await addContact(did: invite.did, multiaddr: address.description, nickname: nickname)
                // Every address of the invite is kept, behind the one that answered.
                let peers = (try? knownRecord(invite.did))??.peerIDs ?? []
                let others = invite.addresses.filter { $0 != address }.compactMap { other in
                    peers.lazy.compactMap { Self.dialable(other, of: $0) }.first
                }
                let kept = storedAddresses(of: invite.did)
                try? storeAddresses(kept.prefix(1) + others + kept.dropFirst(), of: invite.did)
                return contact
            } catch {
                lastError = error
            }
        }
        if let record = try knownRecord(invite.did), !record.peerIDs.isEmpty {
            // Known already (and perhaps connected): adding needs no dial.
            return try await addContact(did: invite.did, multiaddr: nil, nickname: nickname)
        }
        throw lastError ?? EngineError.unreachable("The invite names no address that can be dialed.")
    }

    // MARK: Contact requests

    /// Emits `contact.request` the first time a stranger writes (once per DID).
    func noteContactRequest(from record: IdentityRecord) throws {
        let store = try readyStore()
        let key = "request/\(record.did)"
        guard try store.value(forKey: key) == nil else { return }
        try store.setValue([1], forKey: key)
        try emit(.contactRequest(from: record.did, username: record.username))
    }
}
