import Crypto
import Testing
@testable import VarianceOffline

/// The relay's state machine on its own: messages in, actions out, no store or pipe.
@Suite struct OfflineServerSessionTests {
    let nonce = Array(repeating: UInt8(0x42), count: 32)

    func session(_ limits: OfflineLimits = .default) -> OfflineServerSession {
        OfflineServerSession(limits: limits, serverIdentity: relayIdentity, nonce: nonce)
    }

    @Test func aDepositAsksTheStoreThenAnswers() throws {
        var s = session()
        let e = envelope(1, to: TestRecipient().key)
        #expect(s.receive(OfflineCodec.encodeDeposit(e)) == .store(e))
        #expect(s.stored(.overRecipientQuota)
            == .write(OfflineCodec.encodeDepositResult(envelopeID: e.id.bytes, status: .quotaRecipient, retryAfterSeconds: 3_600)))
        #expect(s.receive(OfflineCodec.encodeDeposit(e)) == .store(e))
        #expect(s.storeFailed()
            == .write(OfflineCodec.encodeDepositResult(envelopeID: e.id.bytes, status: .unavailable, retryAfterSeconds: 60)))
        #expect(s.receive(OfflineCodec.encodeDeposit(e)) == .store(e))
        #expect(s.stored(.duplicate) == .write(OfflineCodec.encodeDepositResult(envelopeID: e.id.bytes, status: .ok, retryAfterSeconds: 0)))
        #expect(s.endOfInput() == .close)
        #expect(s.isClosed)
        #expect(s.receive(OfflineCodec.encodeDeposit(e)) == .close)
    }

    @Test func aFetchWalksChallengeProofBatchAckEnd() throws {
        var s = session(OfflineLimits.with { $0.batchMaxEnvelopes = 2 })
        let alice = TestRecipient()
        #expect(s.receive(OfflineCodec.encodeFetch(recipient: alice.key, maxEnvelopes: 5, maxBytes: 1_000)) == .write(OfflineCodec.encodeChallenge(nonce: nonce)))
        let proof = try alice.sign(FetchTranscript.bytes(serverIdentity: relayIdentity, recipient: alice.key, nonce: nonce))
        let first = PageRequest(recipient: alice.key, after: 0, limit: 2, maxBytes: 1_000)
        #expect(s.receive(OfflineCodec.encodeProof(signature: proof)) == .acknowledgeAndLoad(acknowledged: [], page: first))
        let page = (1...2).map { StoredEnvelope(sequence: Int64($0 * 10), id: testID($0), payload: [1], depositedAt: 5) }
        #expect(s.loaded(page) == .write(OfflineCodec.encodeBatch(page)))
        var next = first
        next.after = 20
        #expect(s.receive(OfflineCodec.encodeAck([testID(2)])) == .acknowledgeAndLoad(acknowledged: [testID(2)], page: next))
        #expect(s.loaded([]) == .writeAndClose(OfflineCodec.encodeBatch([])))
        #expect(s.isClosed)
    }

    @Test func aStoreFailureDuringAFetchEndsTheStream() throws {
        var s = session()
        let alice = TestRecipient()
        _ = s.receive(OfflineCodec.encodeFetch(recipient: alice.key, maxEnvelopes: 0, maxBytes: 0))
        let proof = try alice.sign(FetchTranscript.bytes(serverIdentity: relayIdentity, recipient: alice.key, nonce: nonce))
        _ = s.receive(OfflineCodec.encodeProof(signature: proof))
        #expect(s.storeFailed() == .writeAndClose(OfflineCodec.encodeFailure(.unavailable, retryAfterSeconds: 60)))
    }

    @Test func theStreamBoundClosesAfterTheLastAnswer() {
        var s = session(OfflineLimits.with { $0.maxDepositsPerStream = 2 })
        let e = envelope(1, to: TestRecipient().key)
        _ = s.receive(OfflineCodec.encodeDeposit(e))
        #expect(s.stored(.stored) == .write(OfflineCodec.encodeDepositResult(envelopeID: e.id.bytes, status: .ok, retryAfterSeconds: 0)))
        #expect(s.receive([0xFF]) == .writeAndClose(OfflineCodec.encodeDepositResult(envelopeID: [], status: .malformed, retryAfterSeconds: 0)))
        #expect(s.isClosed)
    }
}
