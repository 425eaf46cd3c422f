import LibP2PCore

extension MDNSService {
    /// A fuzzing entry point: decodes arbitrary bytes as a DNS message and checks the
    /// re-encoded form decodes to the same message; then has a responder answer them and a
    /// querier read them as a response. Malformed input only produces errors or nil; a trap
    /// is a bug.
    ///
    /// - Parameter bytes: Arbitrary input.
    public static func fuzz(_ bytes: [UInt8]) {
        if let message = try? DNSMessage.decode(bytes) {
            do {
                let reencoded = try message.encode()
                precondition((try? DNSMessage.decode(reencoded)) == message, "DNS message round trip failed")
            } catch {
                // Uncompressed names can make a compressed message too large; nothing else may fail.
                guard case .messageTooLarge = error else { preconditionFailure("decoded DNS message does not encode") }
            }
        }
        let us = PeerID(ed25519PublicKey: Array(repeating: 1, count: 32))
        guard var service = try? MDNSService(peerName: Array(repeating: UInt8(ascii: "a"), count: 40)),
            let address = try? Multiaddr("/ip4/192.168.1.2/udp/4001/quic-v1")
        else { preconditionFailure("fixed fuzz setup failed") }
        if let response = service.respond(to: bytes, ourPeer: us, ourAddresses: [address]) {
            precondition((try? DNSMessage.decode(response))?.isResponse == true, "mDNS response does not decode")
        }
        let found = service.discovered(from: bytes, ourPeer: us, now: MDNSInstant(milliseconds: 0))
        precondition(found.count <= service.configuration.maxPeersPerMessage, "too many peers from one message")
        precondition(
            found.allSatisfy { $0.peerID != us && $0.addresses.count <= service.configuration.maxAddressesPerPeer })
        _ = service.expire(now: MDNSInstant(seconds: 3601))
        precondition(service.knownPeers.isEmpty, "peers outlived the longest accepted TTL")
    }
}
