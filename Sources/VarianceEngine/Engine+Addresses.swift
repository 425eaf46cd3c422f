import LibP2P
import LibP2PCore
import LibP2PRelay
import VarianceMessaging

/// Where each contact's node can be reached: a short list of multiaddrs per DID, direct
/// ones first, then `…/p2p-circuit/…` ones through their relays. The list starts with the
/// hint of `contacts.add` or an invite and follows what the contact's node says of itself in
/// identify (its listen addresses and relay reservations).
extension Engine {
    /// Addresses kept per contact.
    static let maxStoredAddresses = 8
    /// How long direct dials get before a relayed dial starts beside them.
    static let relayHeadStart: Duration = .milliseconds(1500)

    /// The stored addresses of `did`'s node, in the order to try them.
    func storedAddresses(of did: String) -> [Multiaddr] {
        guard let bytes = try? readyStore().value(forKey: MessagingProtocol.addressKey(did)) else { return [] }
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n").compactMap { try? Multiaddr(String($0)) }
    }

    /// Puts `addresses` in front of what is stored for `did`, without repeats, direct ones
    /// first, at most ``maxStoredAddresses``.
    func storeAddresses(_ addresses: [Multiaddr], of did: String) throws(EngineError) {
        var merged: [Multiaddr] = []
        for address in addresses + storedAddresses(of: did) where !merged.contains(address) { merged.append(address) }
        let direct = merged.filter { !CircuitAddress.isRelayed($0) }
        let relayed = merged.filter(CircuitAddress.isRelayed)
        // Keep room for relayed addresses: they are what works behind NATs.
        let kept = Array(direct.prefix(Self.maxStoredAddresses - min(relayed.count, Self.maxStoredAddresses / 2)))
        let list = Array((kept + relayed).prefix(Self.maxStoredAddresses))
        let text = list.map(\.description).joined(separator: "\n")
        do { try readyStore().setValue(Array(text.utf8), forKey: MessagingProtocol.addressKey(did)) } catch {
            throw Self.map(error)
        }
    }

    /// A peer told us (identify) where it listens: if it is one of a contact's peers, those
    /// become the contact's stored addresses (`replacing` what is stored, since they are
    /// fresh, or in front of it).
    func rememberAddresses(of peer: PeerID, node: Swarm, replacing: Bool = true) async {
        guard let info = await node.info(of: peer), let store = try? readyStore(), let contacts = try? store.contacts()
        else { return }
        let addresses = info.listenAddresses.compactMap { Self.dialable($0, of: peer) }
        guard !addresses.isEmpty else { return }
        for contact in contacts where (try? knownRecord(contact.did))??.peerIDs.contains(peer) == true {
            if replacing { try? store.setValue([], forKey: MessagingProtocol.addressKey(contact.did)) }
            try? storeAddresses(addresses, of: contact.did)
        }
    }

    /// `address` as something to dial `peer` at: with `/p2p/<peer>` at the end, or nil for
    /// addresses nobody can dial (unspecified hosts, someone else's peer ID).
    static func dialable(_ address: Multiaddr, of peer: PeerID) -> Multiaddr? {
        if let ip = address.ipAddress, ip.allSatisfy({ $0 == 0 }) { return nil }
        if let circuit = CircuitAddress(address) {
            if let target = circuit.target { return target == peer ? address : nil }
            return CircuitAddress.make(relay: circuit.relay, target: peer)
        }
        if let named = address.peerID { return named == peer ? address : nil }
        return try? address.appending(.p2p(peer))
    }

    /// Dials `addresses` until one reaches a peer of `peers`: the direct ones in turn, and
    /// after ``relayHeadStart`` the relayed ones beside them; the first success wins.
    func dialAny(_ addresses: [Multiaddr], reaching peers: [PeerID], node: Swarm) async -> PeerID? {
        let direct = addresses.filter { !CircuitAddress.isRelayed($0) }
        let relayed = addresses.filter(CircuitAddress.isRelayed)
        @Sendable func tryInTurn(_ list: [Multiaddr]) async -> PeerID? {
            for address in list {
                if Task.isCancelled { return nil }
                if let peer = try? await node.dial(address), peers.contains(peer) { return peer }
            }
            return nil
        }
        return await withTaskGroup(of: PeerID?.self) { group in
            if !direct.isEmpty { group.addTask { await tryInTurn(direct) } }
            if !relayed.isEmpty {
                group.addTask {
                    if !direct.isEmpty { try? await Task.sleep(for: Self.relayHeadStart) }
                    return await tryInTurn(relayed)
                }
            }
            for await result in group {
                if let result {
                    group.cancelAll()
                    return result
                }
            }
            return nil
        }
    }
}
