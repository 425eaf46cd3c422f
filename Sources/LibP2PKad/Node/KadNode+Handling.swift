import LibP2PCore

extension KadNode {
    /// Answers one request (server side).
    ///
    /// - FIND_NODE: the k closest peers to the key (just the peer itself when the key is a
    ///   peer ID in the table), never the requester.
    /// - GET_VALUE: the record if held and live, plus the k closest peers.
    /// - PUT_VALUE: validates and stores the record, echoes the request.
    /// - GET_PROVIDERS: live providers plus the k closest peers.
    /// - ADD_PROVIDER: stores the providers whose ID is the sender's; no response.
    /// - PING: PING.
    ///
    /// - Parameters:
    ///   - request: The verified request.
    ///   - sender: The authenticated peer that sent it.
    ///   - now: The current time.
    /// - Returns: The response to write, or nil when the type has none (ADD_PROVIDER).
    /// - Throws: ``KadError``; the shell resets the stream.
    public mutating func handle(_ request: KadMessage, from sender: PeerID, now: KadTimestamp) throws(KadError) -> KadMessage? {
        guard mode == .server else { throw .clientMode }
        switch request.type {
        case .ping:
            return .ping
        case .findNode:
            return KadMessage(type: .findNode, key: request.key, closerPeers: closerPeers(to: request.key, excluding: sender))
        case .getValue:
            try checkKey(request.key)
            return KadMessage(
                type: .getValue, key: request.key, record: records.get(request.key, now: now),
                closerPeers: closerPeers(to: request.key, excluding: sender)
            )
        case .putValue:
            try checkKey(request.key)
            guard let record = request.record else { throw .missingField("record") }
            guard record.key == request.key else { throw .recordKeyMismatch }
            guard record.value.count <= configuration.maxRecordValueSize else {
                throw .recordTooLarge(size: record.value.count, limit: configuration.maxRecordValueSize)
            }
            try records.put(record, validator: validator, now: now)
            return request
        case .getProviders:
            try checkKey(request.key)
            return KadMessage(
                type: .getProviders, key: request.key, closerPeers: closerPeers(to: request.key, excluding: sender),
                providerPeers: providers.providers(for: request.key, now: now, limit: configuration.k)
            )
        case .addProvider:
            try checkKey(request.key)
            for provider in request.providerPeers where provider.id == sender {
                try providers.add(request.key, provider: provider, now: now)
            }
            return nil
        }
    }

    /// Decodes, answers and encodes one request: the entry for a stream handler (and a
    /// fuzzer). Frame the result with a varint length prefix, or write nothing when nil.
    ///
    /// - Parameters:
    ///   - bytes: One request message, without its length prefix.
    ///   - sender: The authenticated peer that sent it.
    ///   - now: The current time.
    /// - Returns: The encoded response, or nil.
    /// - Throws: ``KadError``.
    public mutating func handle(requestBytes bytes: [UInt8], from sender: PeerID, now: KadTimestamp) throws(KadError) -> [UInt8]? {
        let request = try KadMessage.decode(bytes, configuration: configuration)
        return try handle(request, from: sender, now: now)?.serializedBytes()
    }

    /// The k closest peers to a key for a response; for a key that is the ID of a peer in the
    /// table, only that peer (the spec's exact match).
    func closerPeers(to key: [UInt8], excluding requester: PeerID) -> [KadPeer] {
        if let peer = try? PeerID(bytes: key), peer != requester, let entry = routingTable.entry(for: peer) {
            return [entry.peer]
        }
        return routingTable.closest(to: KadKey(hashing: key), count: configuration.k, excluding: requester).map(\.peer)
    }

    private func checkKey(_ key: [UInt8]) throws(KadError) {
        guard !key.isEmpty, key.count <= configuration.maxKeySize else { throw .invalidKey }
    }
}

extension KadNode {
    /// A fuzzing entry point: decodes arbitrary bytes as a message and, when they decode,
    /// has a fresh server node answer them and checks the answer re-decodes. Malformed input
    /// only produces errors; a trap is a bug.
    ///
    /// - Parameter bytes: Arbitrary input.
    public static func fuzz(_ bytes: [UInt8]) {
        guard let message = try? KadMessage.decode(bytes) else { return }
        let reencoded = message.serializedBytes()
        precondition((try? KadMessage.decode(reencoded)) == message, "Kademlia message round trip failed")
        let sender = PeerID(ed25519PublicKey: Array(repeating: 1, count: 32))
        var node = KadNode(
            localPeer: PeerID(ed25519PublicKey: Array(repeating: 2, count: 32)),
            validator: NamespacedRecordValidator(["pk": PublicKeyRecordValidator(), "test": FirstWriteWinsValidator()])
        )
        for peer in message.closerPeers + message.providerPeers {
            node.peerSeen(peer, isServer: true, now: .zero)
        }
        if let response = try? node.handle(message, from: sender, now: .zero) {
            precondition((try? KadMessage.decode(response.serializedBytes())) != nil, "Kademlia response does not decode")
        }
    }
}
