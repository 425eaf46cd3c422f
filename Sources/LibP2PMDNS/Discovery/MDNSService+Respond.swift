import LibP2PCore

extension MDNSService {
    /// Answers a query for our service, or returns nil.
    ///
    /// Answered: a standard query (QR clear, opcode 0) with a question for
    /// ``MDNSConfiguration/serviceName``, type `PTR` or `ANY`, class `IN` or `ANY` (the QU
    /// bit is ignored: we always multicast). Ignored: responses, undecodable bytes, other
    /// names or types, queries that already list our PTR record with at least half its TTL
    /// left (known-answer suppression, RFC 6762 §7.1), and the case where we have no
    /// address to announce.
    ///
    /// The response has id 0, flags QR|AA, no questions, the answer
    /// `_p2p._udp.local PTR <peer-name>._p2p._udp.local` and one TXT record per address on
    /// the instance name, each with the single string `dnsaddr=<address>/p2p/<our ID>`,
    /// all with TTL ``MDNSConfiguration/recordTTL``.
    ///
    /// - Parameters:
    ///   - queryBytes: A received datagram.
    ///   - ourPeer: Our peer ID.
    ///   - ourAddresses: Our listen addresses (see ``advertisedTXTStrings(ourPeer:ourAddresses:)``).
    /// - Returns: Response bytes to multicast, or nil.
    public func respond(to queryBytes: [UInt8], ourPeer: PeerID, ourAddresses: [Multiaddr]) -> [UInt8]? {
        guard let query = try? DNSMessage.decode(queryBytes), !query.isResponse, query.opcode == 0 else { return nil }
        let asked = query.questions.contains { question in
            question.name == configuration.serviceName
                && (question.type == DNSRecordType.ptr || question.type == DNSRecordType.any)
                && (question.recordClass == dnsClassIN || question.recordClass == 255)
        }
        guard asked, !knowsOurAnswer(query) else { return nil }
        return responseMessage(ourPeer: ourPeer, ourAddresses: ourAddresses)
    }

    /// Our response, unsolicited (an announcement) or as an answer; nil without addresses.
    /// Addresses whose TXT record would take the message past
    /// ``MDNSConfiguration/maxResponseSize`` are left out.
    ///
    /// - Parameters:
    ///   - ourPeer: Our peer ID.
    ///   - ourAddresses: Our listen addresses.
    /// - Returns: Response bytes, or nil if no address is left to announce.
    public func responseMessage(ourPeer: PeerID, ourAddresses: [Multiaddr]) -> [UInt8]? {
        var strings = advertisedTXTStrings(ourPeer: ourPeer, ourAddresses: ourAddresses)
        // Header and PTR answer, then one TXT record per string; drop what passes the budget.
        let instanceLength = DNSName.wireLength(instanceName.labels)
        var size = 12 + DNSName.wireLength(configuration.serviceName.labels) + 10 + instanceLength
        strings = strings.prefix { string in
            size += instanceLength + 10 + 1 + string.count
            return size <= min(configuration.maxResponseSize, DNSLimits.maxMessageSize)
        }
        guard !strings.isEmpty else { return nil }
        let ttl = configuration.recordTTL
        let message = DNSMessage(
            id: 0, flags: DNSMessage.responseFlag | DNSMessage.authoritativeFlag,
            answers: [DNSResourceRecord(name: configuration.serviceName, ttl: ttl, data: .ptr(instanceName))],
            additionals: strings.map { DNSResourceRecord(name: instanceName, ttl: ttl, data: .txt([$0])) }
        )
        // Within bounds by construction: at most 64 records of at most ~330 bytes each.
        return try? message.encode()
    }

    /// The TXT strings for our addresses: `dnsaddr=` and the address ending in
    /// `/p2p/<our ID>` (added when missing). Left out: addresses ending in another peer's
    /// `/p2p`, strings over 255 bytes, duplicates, and all past
    /// ``MDNSConfiguration/maxAdvertisedAddresses`` (at most 63).
    ///
    /// - Parameters:
    ///   - ourPeer: Our peer ID.
    ///   - ourAddresses: Our listen addresses.
    /// - Returns: The strings, in the order of the addresses.
    public func advertisedTXTStrings(ourPeer: PeerID, ourAddresses: [Multiaddr]) -> [[UInt8]] {
        let limit = min(configuration.maxAdvertisedAddresses, DNSLimits.maxRecordsPerSection - 1)
        var strings: [[UInt8]] = []
        for address in ourAddresses where strings.count < limit {
            let full: Multiaddr
            if case .p2p(let peer) = address.components.last {
                guard peer == ourPeer else { continue }
                full = address
            } else {
                guard let appended = try? address.appending(.p2p(ourPeer)) else { continue }
                full = appended
            }
            let string = MDNSConfiguration.dnsaddrPrefix + Array(full.description.utf8)
            guard string.count <= DNSLimits.maxTXTStringLength, !strings.contains(string) else { continue }
            strings.append(string)
        }
        return strings
    }

    /// Whether the query's known-answer section already holds our PTR record with at least
    /// half of our TTL left.
    private func knowsOurAnswer(_ query: DNSMessage) -> Bool {
        query.answers.contains { record in
            record.name == configuration.serviceName && record.data == .ptr(instanceName)
                && UInt64(record.ttl) * 2 >= UInt64(configuration.recordTTL)
        }
    }
}
