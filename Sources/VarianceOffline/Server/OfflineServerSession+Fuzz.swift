import Crypto

extension OfflineServerSession {
    /// The libFuzzer entry point: `bytes` as one client message and one relay message
    /// through both decoders, then as a length-prefixed stream through a relay session whose
    /// store accepts everything and holds three envelopes. The first byte picks where that
    /// session starts: fresh, or already past a valid Fetch and Proof with a batch sent (so
    /// Acks are reached without forging a signature). Never traps: bad input only yields
    /// statuses and errors.
    package static func fuzz(_ bytes: [UInt8]) {
        let limits = OfflineLimits.default
        if case .deposit(let d)? = try? OfflineCodec.decodeClientMessage(bytes, limits: limits) {
            _ = d.check(limits)
        }
        _ = try? OfflineCodec.decodeServerMessage(bytes, limits: limits)

        let nonce = Array(repeating: UInt8(7), count: OfflineProtocol.nonceBytes)
        var session = OfflineServerSession(limits: limits, serverIdentity: [1, 2, 3], nonce: nonce)
        if bytes.first.map({ $0 & 1 == 1 }) == true {
            let key = try! Curve25519.Signing.PrivateKey(rawRepresentation: Array(repeating: UInt8(1), count: 32))
            let recipient = try! RecipientKey(Array(key.publicKey.rawRepresentation))
            let transcript = FetchTranscript.bytes(serverIdentity: [1, 2, 3], recipient: recipient, nonce: nonce)
            _ = session.receive(OfflineCodec.encodeFetch(recipient: recipient, maxEnvelopes: 0, maxBytes: 0))
            _ = session.receive(OfflineCodec.encodeProof(signature: Array(try! key.signature(for: transcript))))
            _ = session.loaded(fuzzHeld)
        }
        var decoder = OfflineFrameDecoder(maxMessageBytes: limits.maxMessageBytes)
        decoder.append(bytes.dropFirst())
        while !session.isClosed, let body = try? decoder.next() {
            var action = session.receive(body)
            for step in 0..<4 {
                switch action {
                case .store: action = step == 0 ? session.stored(.stored) : session.storeFailed()
                case .acknowledgeAndLoad(_, let page): action = session.loaded(page.after == 0 ? fuzzHeld : [])
                case .read, .write, .writeAndClose, .close: break
                }
            }
        }
        _ = session.endOfInput()
    }

    /// What the fuzzed session's store holds.
    private static let fuzzHeld = (1...3).map { i in
        StoredEnvelope(sequence: Int64(i), id: try! EnvelopeID(Array(repeating: UInt8(i), count: 16)), payload: [UInt8(i)], depositedAt: 0)
    }
}
