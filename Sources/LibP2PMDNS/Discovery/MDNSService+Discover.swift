import LibP2PCore

extension MDNSService {
    /// Reads a received datagram as a response and records the peers it announces.
    ///
    /// Ignored: bytes that do not decode, queries, non-zero opcodes, PTR records for other
    /// names. See ``peers(in:ourPeer:now:configuration:)`` for what is taken from a response.
    /// Peers announced with TTL 0 (an mDNS goodbye) are removed from ``knownPeers`` and not
    /// returned. When the table is full a new peer replaces the entry that expires first.
    ///
    /// - Parameters:
    ///   - responseBytes: A received datagram.
    ///   - ourPeer: Our peer ID (our own announcements are skipped).
    ///   - now: The receive time.
    /// - Returns: The peers found, with their addresses and expiry.
    public mutating func discovered(from responseBytes: [UInt8], ourPeer: PeerID, now: MDNSInstant) -> [MDNSPeer] {
        guard let message = try? DNSMessage.decode(responseBytes) else { return [] }
        var found: [MDNSPeer] = []
        for peer in Self.peers(in: message, ourPeer: ourPeer, now: now, configuration: configuration) {
            if peer.expiresAt <= now {
                knownPeers[peer.peerID] = nil
                continue
            }
            if knownPeers[peer.peerID] == nil, knownPeers.count >= configuration.maxKnownPeers {
                guard let victim = knownPeers.values.min(by: { $0.expiresAt < $1.expiresAt }) else { continue }
                knownPeers[victim.peerID] = nil
            }
            if configuration.maxKnownPeers > 0 { knownPeers[peer.peerID] = peer }
            found.append(peer)
        }
        return found
    }

    /// The peers a decoded response announces (pure; the table is not touched).
    ///
    /// For each `PTR` record of the service name (any section; at most
    /// ``MDNSConfiguration/maxPeersPerMessage`` distinct targets), the `TXT` records on the
    /// target name are read. Each string `dnsaddr=<multiaddr>` (also `dnsaddr<N>=`, as
    /// py-libp2p writes) whose multiaddr parses and ends in `/p2p/<id>` gives an address of
    /// that peer. The first such address fixes the peer of the name; addresses naming
    /// another peer are dropped. Our own peer is skipped. Names announcing the same peer are
    /// merged. Expiry is `now` plus the smallest TTL of the PTR and TXT records used (cut to
    /// ``MDNSConfiguration/maxAcceptedTTL``).
    ///
    /// - Parameters:
    ///   - message: A decoded message (queries give nothing).
    ///   - ourPeer: Our peer ID.
    ///   - now: The receive time.
    ///   - configuration: The service name and bounds.
    /// - Returns: The peers, in order of first announcement.
    public static func peers(
        in message: DNSMessage, ourPeer: PeerID, now: MDNSInstant, configuration: MDNSConfiguration
    ) -> [MDNSPeer] {
        guard message.isResponse, message.opcode == 0 else { return [] }
        let records = message.allRecords
        var targets: [(name: DNSName, ttl: UInt32)] = []
        for record in records where record.name == configuration.serviceName {
            guard case .ptr(let target) = record.data, !targets.contains(where: { $0.name == target }) else { continue }
            guard targets.count < configuration.maxPeersPerMessage else { break }
            targets.append((target, record.ttl))
        }
        var peers: [MDNSPeer] = []
        for target in targets {
            guard
                let peer = announcedPeer(
                    target.name, ptrTTL: target.ttl, records: records, now: now, configuration: configuration),
                peer.peerID != ourPeer
            else { continue }
            if let index = peers.firstIndex(where: { $0.peerID == peer.peerID }) {
                for address in peer.addresses
                where peers[index].addresses.count < configuration.maxAddressesPerPeer
                    && !peers[index].addresses.contains(address)
                {
                    peers[index].addresses.append(address)
                }
                peers[index].expiresAt = min(peers[index].expiresAt, peer.expiresAt)
            } else {
                peers.append(peer)
            }
        }
        return peers
    }

    private static func announcedPeer(
        _ name: DNSName, ptrTTL: UInt32, records: [DNSResourceRecord], now: MDNSInstant,
        configuration: MDNSConfiguration
    ) -> MDNSPeer? {
        var peerID: PeerID?
        var addresses: [Multiaddr] = []
        var ttl = ptrTTL
        for record in records where record.name == name {
            guard case .txt(let strings) = record.data else { continue }
            var used = false
            for string in strings {
                guard addresses.count < configuration.maxAddressesPerPeer,
                    let (peer, address) = parseDNSAddr(string), peerID == nil || peerID == peer
                else { continue }
                peerID = peer
                used = true
                if !addresses.contains(address) { addresses.append(address) }
            }
            if used { ttl = min(ttl, record.ttl) }
        }
        guard let peerID else { return nil }
        let seconds = Int64(min(ttl, configuration.maxAcceptedTTL))
        return MDNSPeer(peerID: peerID, addresses: addresses, expiresAt: now.adding(milliseconds: seconds * 1000))
    }

    /// Reads `dnsaddr=<multiaddr>` or `dnsaddr<digits>=<multiaddr>`, where the multiaddr ends
    /// in `/p2p/<id>`; returns the peer and the address without that component.
    static func parseDNSAddr(_ string: [UInt8]) -> (PeerID, Multiaddr)? {
        let key = Array("dnsaddr".utf8)
        guard string.starts(with: key), let equals = string.firstIndex(of: UInt8(ascii: "=")) else { return nil }
        guard string[key.count..<equals].allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        guard let text = String(validating: string[(equals + 1)...], as: UTF8.self),
            let address = try? Multiaddr(text), let peer = address.peerID, let bare = address.removingTrailingPeerID
        else { return nil }
        return (peer, bare)
    }
}
