import Testing
import VarianceOlm
@testable import VarianceMessaging

struct DirectMessageCodecTests {
    static let samples: [DirectMessage] = [
        DirectMessage(id: "01HZY3J8K9", sentAtMs: 1, content: .text(body: "hello", replyTo: nil)),
        DirectMessage(id: "01HZY3J8KA", sentAtMs: 2, content: .text(body: "ré: ✓", replyTo: "01HZY3J8K9")),
        DirectMessage(id: "r1", sentAtMs: 3, content: .deliveryReceipt(ids: ["a", "b"])),
        DirectMessage(id: "r2", sentAtMs: 4, content: .readReceipt(upTo: "b", ids: [])),
        DirectMessage(id: "r3", sentAtMs: 4, content: .readReceipt(upTo: nil, ids: ["c"])),
        DirectMessage(id: "t1", sentAtMs: 5, content: .typing(active: true)),
        DirectMessage(id: "t2", sentAtMs: 6, content: .typing(active: false)),
        DirectMessage(id: "p1", sentAtMs: 7, content: .presence(.away, lastSeenMs: 99)),
        DirectMessage(id: "p2", sentAtMs: 8, content: .presence(.online, lastSeenMs: nil)),
    ]

    @Test func contentRoundTrip() throws {
        for m in Self.samples {
            #expect(try DirectMessageCodec.decodeMessage(DirectMessageCodec.encode(m)) == m)
        }
    }

    @Test func boundsRefused() throws {
        let big = String(repeating: "x", count: MessagingLimits.maxTextBodyBytes + 1)
        let max = String(repeating: "x", count: MessagingLimits.maxTextBodyBytes)
        let longID = String(repeating: "1", count: MessagingLimits.maxMessageIDBytes + 1)
        #expect(throws: MessagingError.tooLarge("text body")) {
            try DirectMessageCodec.encode(DirectMessage(id: "a", sentAtMs: 0, content: .text(body: big, replyTo: nil)))
        }
        _ = try DirectMessageCodec.encode(DirectMessage(id: "a", sentAtMs: 0, content: .text(body: max, replyTo: nil)))
        #expect(throws: MessagingError.tooLarge("message id")) {
            try DirectMessageCodec.encode(DirectMessage(id: longID, sentAtMs: 0, content: .typing(active: true)))
        }
        #expect(throws: MessagingError.malformed("empty message id")) {
            try DirectMessageCodec.encode(DirectMessage(id: "", sentAtMs: 0, content: .typing(active: true)))
        }
        let ids = (0...MessagingLimits.maxReceiptIDs).map { "id\($0)" }
        #expect(throws: MessagingError.tooLarge("receipt ids")) {
            try DirectMessageCodec.encode(DirectMessage(id: "a", sentAtMs: 0, content: .deliveryReceipt(ids: ids)))
        }
    }

    @Test func ackRoundTrip() throws {
        let ok = Ack(envelopeIDs: [[UInt8](repeating: 7, count: 16)])
        #expect(try DirectMessageCodec.decodeAck(DirectMessageCodec.encode(ok)) == ok)
        let refused = Ack(envelopeIDs: [], refusal: .decryptFailed)
        #expect(try DirectMessageCodec.decodeAck(DirectMessageCodec.encode(refused)) == refused)
    }

    /// Garbage, truncations and bit flips of valid encodings: errors, never traps.
    @Test func garbageNeverTraps() throws {
        var rng = SystemRandomNumberGenerator()
        for n in [0, 1, 2, 3, 10, 100, 1000] {
            for _ in 0..<50 {
                DirectMessageCodec.fuzz((0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) })
            }
        }
        for m in Self.samples {
            let bytes = try DirectMessageCodec.encode(m)
            for cut in 0..<bytes.count { DirectMessageCodec.fuzz(Array(bytes.prefix(cut))) }
            for i in bytes.indices {
                var b = bytes
                b[i] ^= 0x80
                DirectMessageCodec.fuzz(b)
            }
        }
        let (_, _, record) = IdentityRecordTests.party("fuzz")
        for cut in stride(from: 0, to: record.bytes.count, by: 7) { DirectMessageCodec.fuzz(Array(record.bytes.prefix(cut))) }
        #expect(throws: MessagingError.self) { try DirectMessageCodec.decodeEnvelope([0x08, 0x02]) }
        #expect(throws: MessagingError.unsupportedVersion(2)) { try DirectMessageCodec.decodeMessage([0x08, 0x02]) }
    }
}
