import Crypto
import SwiftProtobuf
import Testing
import VarianceProtos
@testable import VarianceOffline

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

@Suite struct OfflineCodecTests {
    let limits = OfflineLimits.default

    @Test func clientMessagesRoundTrip() throws {
        let alice = TestRecipient().key
        let e = envelope(1, to: alice)
        #expect(try OfflineCodec.decodeClientMessage(OfflineCodec.encodeDeposit(e), limits: limits)
            == .deposit(DepositIn(recipientKey: alice.bytes, envelopeID: e.id.bytes, payload: e.payload)))
        #expect(try OfflineCodec.decodeClientMessage(OfflineCodec.encodeFetch(recipient: alice, maxEnvelopes: 5, maxBytes: 0), limits: limits)
            == .fetch(recipient: alice, maxEnvelopes: 5, maxBytes: nil))
        let signature = Array(repeating: UInt8(3), count: 64)
        #expect(try OfflineCodec.decodeClientMessage(OfflineCodec.encodeProof(signature: signature), limits: limits) == .proof(signature: signature))
        #expect(try OfflineCodec.decodeClientMessage(OfflineCodec.encodeAck([testID(1), testID(2)]), limits: limits) == .ack([testID(1), testID(2)]))
    }

    @Test func serverMessagesRoundTripAndAreChecked() throws {
        let stored = (1...3).map { StoredEnvelope(sequence: Int64($0), id: testID($0), payload: [UInt8($0)], depositedAt: 1_000 + Int64($0)) }
        #expect(try OfflineCodec.decodeServerMessage(OfflineCodec.encodeBatch(stored), limits: limits)
            == .batch(stored.map { FetchedEnvelope(id: $0.id, payload: $0.payload, depositedAt: UInt64($0.depositedAt)) }))
        #expect(try OfflineCodec.decodeServerMessage(OfflineCodec.encodeFailure(.authFailed, retryAfterSeconds: 5), limits: limits)
            == .failure(.authFailed, retryAfterSeconds: 5))
        #expect(try OfflineCodec.decodeServerMessage(
            OfflineCodec.encodeDepositResult(envelopeID: testID(4).bytes, status: .quotaTotal, retryAfterSeconds: 600), limits: limits)
            == .depositResult(envelopeID: testID(4).bytes, status: .quotaTotal, retryAfterSeconds: 600))

        // A repeated id, an empty payload, a short nonce, a status of 0, a batch over the bound.
        let repeated = [stored[0], stored[0]]
        #expect(throws: OfflineError.malformed("repeated envelope id in batch")) {
            try OfflineCodec.decodeServerMessage(OfflineCodec.encodeBatch(repeated), limits: limits)
        }
        var empty = stored[0]
        empty.payload = []
        #expect(throws: OfflineError.malformed("empty payload")) { try OfflineCodec.decodeServerMessage(OfflineCodec.encodeBatch([empty]), limits: limits) }
        #expect(throws: OfflineError.malformed("nonce length")) { try OfflineCodec.decodeServerMessage(OfflineCodec.encodeChallenge(nonce: [1]), limits: limits) }
        var result = Variance_Offline_ServerMessage()
        result.version = 1
        result.body = .depositResult(Variance_Offline_DepositResult())
        #expect(throws: OfflineError.malformed("status")) { try OfflineCodec.decodeServerMessage(try result.serializedBytes(), limits: limits) }
        let many = (1...65).map { StoredEnvelope(sequence: Int64($0), id: testID($0), payload: [1], depositedAt: 0) }
        #expect(throws: OfflineError.tooLarge("batch envelopes")) { try OfflineCodec.decodeServerMessage(OfflineCodec.encodeBatch(many), limits: limits) }
        let heavy = (1...2).map { StoredEnvelope(sequence: Int64($0), id: testID($0), payload: Array(repeating: 1, count: 60_000), depositedAt: 0) }
        #expect(throws: OfflineError.tooLarge("batch bytes")) { try OfflineCodec.decodeServerMessage(OfflineCodec.encodeBatch(heavy), limits: limits) }
    }

    @Test func theFullestBatchAndDepositFitInOneMessage() throws {
        #expect(limits.isConsistent)
        let big = OfflineCodec.encodeDeposit(envelope(1, to: TestRecipient().key, size: limits.maxPayloadBytes))
        #expect(big.count <= limits.maxMessageBytes)
        let perItem = limits.batchMaxBytes / limits.batchMaxEnvelopes
        let full = (1...limits.batchMaxEnvelopes).map {
            StoredEnvelope(sequence: Int64($0), id: testID($0), payload: Array(repeating: 1, count: perItem), depositedAt: Int64.max)
        }
        #expect(OfflineCodec.encodeBatch(full).count <= limits.maxMessageBytes)
        #expect(try OfflineCodec.decodeServerMessage(OfflineCodec.encodeBatch(full), limits: limits) != .batch([]))
    }

    @Test func theTranscriptIsDomainSeparatedAndBindsEverything() throws {
        let alice = TestRecipient()
        let nonce = Array(repeating: UInt8(9), count: 32)
        let t = FetchTranscript.bytes(serverIdentity: [0xAA, 0xBB], recipient: alice.key, nonce: nonce)
        #expect(t == Array("variance-offline-fetch/1".utf8) + [0xAA, 0xBB] + alice.key.bytes + nonce)
        let signature = try alice.sign(t)
        #expect(alice.privateKey.publicKey.isValidSignature(signature, for: t))
        #expect(!alice.privateKey.publicKey.isValidSignature(
            signature, for: FetchTranscript.bytes(serverIdentity: [0xAA], recipient: alice.key, nonce: nonce)))
    }
}
