import SwiftProtobuf
import Testing
import VarianceProtos
@testable import VarianceOffline

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A relay fed bytes no honest client writes: every case gets a status, never a trap.
@Suite struct MalformedInputTests {
    let clock = TestClock()

    func relay(_ t: TestStore, limits: OfflineLimits = .default) -> OfflineServer {
        OfflineServer(store: t.store, limits: limits, serverIdentity: relayIdentity, random: fixedRandom, now: clock.source)
    }

    /// Writes `messages` raw and returns every decoded answer until the relay closes.
    func answers(_ server: OfflineServer, to messages: [[UInt8]]) async throws -> [ServerMessageIn] {
        try await exchange(server) { end in
            for m in messages { try await end.write(m) }
            var answers: [ServerMessageIn] = []
            // The relay answers each message or closes; stop once every message is answered.
            while answers.count < messages.count, let body = try await end.read() {
                answers.append(try OfflineCodec.decodeServerMessage(body, limits: .default))
            }
            return answers
        }
    }

    func deposit(key: [UInt8] = Array(repeating: 1, count: 32), id: [UInt8] = Array(repeating: 2, count: 16), payload: [UInt8] = [3], version: UInt32 = 1) -> [UInt8] {
        var d = Variance_Offline_Deposit()
        d.recipientKey = Data(key)
        d.envelopeID = Data(id)
        d.payload = Data(payload)
        var m = Variance_Offline_ClientMessage()
        m.version = version
        m.body = .deposit(d)
        return try! m.serializedBytes()
    }

    @Test func garbageFirstMessageIsRefusedAsMalformed() async throws {
        let t = try TestStore()
        defer { t.cleanUp() }
        for garbage: [UInt8] in [[0xFF, 0xFF, 0xFF], [], [0x08, 0x01], Array(repeating: 0x0A, count: 40)] {
            #expect(try await answers(relay(t), to: [garbage]) == [.failure(.malformed, retryAfterSeconds: 0)])
        }
        #expect(try await answers(relay(t), to: [deposit(version: 2)]) == [.failure(.unsupportedVersion, retryAfterSeconds: 0)])
    }

    @Test func everyMessageOfADepositStreamGetsOneAnswer() async throws {
        let t = try TestStore()
        defer { t.cleanUp() }
        let id = Array(repeating: UInt8(2), count: 16)
        let got = try await answers(relay(t), to: [
            deposit(),
            [0xFF, 0x00],                                                  // garbage
            deposit(key: [1, 2, 3]),                                      // short key
            deposit(id: [9]),                                             // short id
            deposit(payload: []),                                         // empty payload
            deposit(payload: Array(repeating: 0, count: 64 * 1024 + 1)),  // over the payload limit
            OfflineCodec.encodeFetch(recipient: TestRecipient().key, maxEnvelopes: 0, maxBytes: 0),  // out of turn
            deposit(version: 7),
            deposit(id: Array(repeating: 5, count: 16)),
        ])
        #expect(got == [
            .depositResult(envelopeID: id, status: .ok, retryAfterSeconds: 0),
            .depositResult(envelopeID: [], status: .malformed, retryAfterSeconds: 0),
            .depositResult(envelopeID: id, status: .malformed, retryAfterSeconds: 0),
            .depositResult(envelopeID: [], status: .malformed, retryAfterSeconds: 0),
            .depositResult(envelopeID: id, status: .malformed, retryAfterSeconds: 0),
            .depositResult(envelopeID: id, status: .tooLarge, retryAfterSeconds: 0),
            .depositResult(envelopeID: [], status: .malformed, retryAfterSeconds: 0),
            .depositResult(envelopeID: [], status: .unsupportedVersion, retryAfterSeconds: 0),
            .depositResult(envelopeID: Array(repeating: 5, count: 16), status: .ok, retryAfterSeconds: 0),
        ])
        #expect(try t.store.stats().envelopes == 2)
    }

    @Test func anOversizedMessageIsRefusedByTheFraming() async throws {
        let t = try TestStore()
        defer { t.cleanUp() }
        // A length prefix over 128 KiB: the relay's read throws, the stream ends, nothing stored.
        let got = try await exchange(relay(t)) { end in
            try await end.writeRaw([0x81, 0x80, 0x10])  // 262,145
            return try await end.read()
        }
        #expect(got == nil)
        #expect(try t.store.stats().envelopes == 0)
    }

    @Test func aFetchOutOfTurnOrWithBadFieldsEndsWithMalformed() async throws {
        let t = try TestStore()
        defer { t.cleanUp() }
        let alice = TestRecipient()
        var fetch = Variance_Offline_Fetch()
        fetch.recipientKey = Data([1, 2, 3])
        var m = Variance_Offline_ClientMessage()
        m.version = 1
        m.body = .fetch(fetch)
        let malformed = ServerMessageIn.failure(.malformed, retryAfterSeconds: 0)
        #expect(try await answers(relay(t), to: [try m.serializedBytes()]) == [malformed])
        #expect(try await answers(relay(t), to: [OfflineCodec.encodeProof(signature: Array(repeating: 0, count: 64))]) == [malformed])
        #expect(try await answers(relay(t), to: [OfflineCodec.encodeAck([testID(1)])]) == [malformed])

        let fetchAlice = OfflineCodec.encodeFetch(recipient: alice.key, maxEnvelopes: 0, maxBytes: 0)
        let challenge = ServerMessageIn.challenge(nonce: fixedRandom(32))
        // A short signature, an ack before the proof, a second fetch.
        #expect(try await answers(relay(t), to: [fetchAlice, OfflineCodec.encodeProof(signature: [1, 2])]) == [challenge, malformed])
        #expect(try await answers(relay(t), to: [fetchAlice, OfflineCodec.encodeAck([])]) == [challenge, malformed])
        #expect(try await answers(relay(t), to: [fetchAlice, fetchAlice]) == [challenge, malformed])
        #expect(try await answers(relay(t), to: [fetchAlice, [0xFF]]) == [challenge, malformed])
        // A signature of the right length that is not Alice's.
        #expect(try await answers(relay(t), to: [fetchAlice, OfflineCodec.encodeProof(signature: Array(repeating: 7, count: 64))])
            == [challenge, .failure(.authFailed, retryAfterSeconds: 0)])
    }

    @Test func anAckForIDsNotInTheBatchEndsWithMalformedAndDeletesNothing() async throws {
        let t = try TestStore()
        defer { t.cleanUp() }
        let alice = TestRecipient()
        _ = try t.store.deposit((1...3).map { envelope($0, to: alice.key) }, now: clock.now)
        let nonce = fixedRandom(32)
        let proof = OfflineCodec.encodeProof(signature: try alice.sign(
            FetchTranscript.bytes(serverIdentity: relayIdentity, recipient: alice.key, nonce: nonce)))
        var ack = Variance_Offline_Ack()
        ack.envelopeIds = [Data(testID(1).bytes), Data([1, 2, 3])]
        var badAck = Variance_Offline_ClientMessage()
        badAck.version = 1
        badAck.body = .ack(ack)
        let fetch = OfflineCodec.encodeFetch(recipient: alice.key, maxEnvelopes: 0, maxBytes: 0)
        for wrong in [OfflineCodec.encodeAck([testID(1), testID(9)]), try badAck.serializedBytes()] {
            let got = try await answers(relay(t), to: [fetch, proof, wrong])
            #expect(got.count == 3)
            #expect(got.last == .failure(.malformed, retryAfterSeconds: 0))
            #expect(try t.store.stats().envelopes == 3)
        }
    }
}
