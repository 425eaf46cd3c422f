import LibP2P
import LibP2PCore
import VarianceIdentity
import VarianceMessaging
import VarianceStorage

/// A contact as the engine hands it out.
public struct ContactSummary: Sendable, Equatable {
    public var did: String
    public var nickname: String?
    public var username: String?
    /// The peer IDs of the contact's verified record (empty until one is known).
    public var peerIDs: [String]
}

/// Contacts: adding one fetches and verifies its identity record from its peer.
extension Engine {
    /// Adds (or updates) a contact. With `multiaddr`, dials it and fetches the record of
    /// `did` from that peer; the record must verify against `did`.
    public func addContact(did: String, multiaddr: String?, nickname: String?) async throws(EngineError) -> ContactSummary {
        let identity = try readyIdentity()
        guard did.hasPrefix("did:key:"), (try? DIDKey.publicKey(fromDID: did)) != nil else {
            throw EngineError.invalid(field: "did", reason: "is not a did:key")
        }
        guard did != identity.did else { throw EngineError.invalid(field: "did", reason: "is our own DID") }
        var record = try knownRecord(did)
        if multiaddr == nil, record == nil {
            // No address and never met: the DHT's directory of identity records.
            record = await recordFromDirectory(did)
            if let found = record {
                let addresses = await findAddresses(of: found)
                if !addresses.isEmpty { try storeAddresses(addresses, of: did) }
            }
        }
        if let multiaddr {
            let peer = try await connect(to: multiaddr)
            guard let node = await startNode() else { throw EngineError.internalError("the node did not start") }
            let peerID: PeerID
            do { peerID = try PeerID(string: peer) } catch { throw EngineError.internalError("bad peer ID") }
            let fetched = try await fetchRecord(did, from: peerID, node: node).record
            guard fetched.peerIDs.contains(peerID) else {
                throw EngineError.crypto("The peer at \(multiaddr) is not named by \(did)'s identity record.")
            }
            record = fetched
            if let address = try? Multiaddr(multiaddr), let dialable = Self.dialable(address, of: peerID) {
                try storeAddresses([dialable], of: did)
            }
        }
        let store = try readyStore()
        var contact: StoredContact
        do {
            contact = try store.contact(did: did) ?? StoredContact(did: did, addedAt: clock())
            if let nickname { contact.nickname = nickname }
            if let username = record?.username { contact.username = username }
            try store.upsertContact(contact)
        } catch {
            throw Self.map(error)
        }
        // What the contact's node said of itself in identify (it may have come before the
        // contact existed) joins the stored addresses.
        if let node = swarm {
            for peer in record?.peerIDs ?? [] where await node.isConnected(to: peer) {
                await rememberAddresses(of: peer, node: node, replacing: false)
            }
        }
        if !contact.blocked { Task { await self.tellPresence(to: did) } }
        return summary(of: contact, record: record)
    }

    /// Every contact.
    public func listContacts() throws(EngineError) -> [ContactSummary] {
        let store = try readyStore()
        let contacts: [StoredContact]
        do { contacts = try store.contacts() } catch { throw Self.map(error) }
        var result: [ContactSummary] = []
        for contact in contacts { result.append(summary(of: contact, record: try knownRecord(contact.did))) }
        return result
    }

    private func summary(of contact: StoredContact, record: IdentityRecord?) -> ContactSummary {
        ContactSummary(
            did: contact.did, nickname: contact.nickname, username: contact.username ?? record?.username,
            peerIDs: record?.peerIDs.map(\.description) ?? [])
    }
}
