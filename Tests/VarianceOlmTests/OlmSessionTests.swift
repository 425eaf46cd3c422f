import Testing
@testable import VarianceOlm

/// Two Swift accounts passing messages, no sockets.
struct OlmSessionTests {
    /// Alice opens a session to Bob and Bob answers once; returns both sessions.
    static func pair() throws -> (alice: OlmSession, bob: OlmSession, bobAccount: OlmAccount) {
        let alice = OlmAccount()
        var bob = OlmAccount()
        bob.generateOneTimeKeys(1)
        let otk = try #require(bob.oneTimeKeys.first).key
        bob.markKeysAsPublished()
        var outbound = try alice.createOutboundSession(identityKey: bob.curve25519Key, oneTimeKey: otk)
        let first = try outbound.encrypt(Array("hello".utf8))
        guard case .preKey(let pre) = first else { throw OlmError.malformed("expected pre-key") }
        let (inbound, plaintext) = try bob.createInboundSession(theirIdentityKey: alice.curve25519Key, message: pre)
        #expect(plaintext == Array("hello".utf8))
        #expect(inbound.sessionId == outbound.sessionId)
        #expect(bob.oneTimeKeyStore.isEmpty)
        return (outbound, inbound, bob)
    }

    static func wire(_ m: OlmMessage) throws -> OlmMessage { try OlmMessage(type: m.messageType, bytes: m.bytes) }

    @Test func alternatingThousand() throws {
        var (a, b, _) = try Self.pair()
        for i in 0..<1000 {
            let text = Array("message \(i)".utf8)
            if i % 2 == 0 {
                let m = try b.encrypt(text)
                #expect(m.messageType == 1)
                #expect(try a.decrypt(Self.wire(m)) == text)
            } else {
                let m = try a.encrypt(text)
                #expect(try b.decrypt(Self.wire(m)) == text)
            }
        }
    }

    @Test func oneWayThousandThenReply() throws {
        var (a, b, _) = try Self.pair()
        for i in 0..<1000 {
            let text = Array(repeating: UInt8(i & 0xff), count: i % 50)
            let m = try a.encrypt(text)
            #expect(m.messageType == 0)  // no reply yet
            #expect(try b.decrypt(Self.wire(m)) == text)
        }
        let reply = try b.encrypt([1, 2, 3])
        #expect(try a.decrypt(reply) == [1, 2, 3])
        #expect(try a.encrypt([4]).messageType == 1)
    }

    @Test func twentyOutOfOrderReplayAndTamper() throws {
        var (a, b, _) = try Self.pair()
        _ = try a.decrypt(b.encrypt([0]))
        var sent: [(OlmMessage, [UInt8])] = []
        for i in 0..<20 { let t = Array("ooo \(i)".utf8); sent.append((try a.encrypt(t), t)) }
        var order = Array(0..<20)
        order.shuffle()
        for i in order { #expect(try b.decrypt(sent[i].0) == sent[i].1) }
        // Replays are refused, and the session still works.
        for i in [0, 7, 19] {
            #expect(throws: OlmError.self) { try b.decrypt(sent[i].0) }
        }
        // Tampered: flip a ciphertext byte, a MAC byte, a header byte.
        let m = try a.encrypt(Array("tamper".utf8))
        for position in [m.bytes.count - 1, m.bytes.count - 12, 40] {
            var bytes = m.bytes
            bytes[position] ^= 0x01
            #expect(throws: (any Error).self) { try b.decrypt(OlmMessage(type: 1, bytes: bytes)) }
        }
        #expect(try b.decrypt(m) == Array("tamper".utf8))
        #expect(throws: OlmError.self) { try b.decrypt(m) }
    }

    @Test func skippedKeysAreBounded() throws {
        var (a, b, _) = try Self.pair()
        var sent: [OlmMessage] = []
        for i in 0..<60 { sent.append(try a.encrypt([UInt8(i)])) }
        #expect(try b.decrypt(sent[59]) == [59])
        // Only the last 40 skipped keys are kept.
        #expect(throws: OlmError.missingMessageKey(chainIndex: 1)) { try b.decrypt(sent[0]) }  // index 0 was "hello"
        #expect(try b.decrypt(sent[19]) == [19])
        #expect(try b.decrypt(sent[58]) == [58])
        // Too far ahead.
        for _ in 0..<2002 { _ = try a.encrypt([]) }
        #expect(throws: OlmError.self) { try b.decrypt(a.encrypt([1])) }
    }

    @Test func inboundRefusesUnknownKeyAndWrongIdentity() throws {
        let alice = OlmAccount()
        var bob = OlmAccount()
        bob.generateOneTimeKeys(1)
        let otk = bob.oneTimeKeys[0].key
        var s = try alice.createOutboundSession(identityKey: bob.curve25519Key, oneTimeKey: otk)
        guard case .preKey(let pre) = try s.encrypt([1]) else { Issue.record("not pre-key"); return }
        #expect(throws: OlmError.identityKeyMismatch) {
            try bob.createInboundSession(theirIdentityKey: OlmAccount().curve25519Key, message: pre)
        }
        _ = try bob.createInboundSession(message: pre)
        #expect(throws: OlmError.unknownOneTimeKey) { try bob.createInboundSession(message: pre) }
    }

    @Test func fallbackKeyOpensSessionsAndStays() throws {
        let alice = OlmAccount()
        var bob = OlmAccount()
        bob.generateFallbackKey()
        let fb = try #require(bob.fallbackKey).key
        bob.markKeysAsPublished()
        #expect(bob.fallbackKey == nil)
        for _ in 0..<2 {
            var s = try alice.createOutboundSession(identityKey: bob.curve25519Key, oneTimeKey: fb)
            guard case .preKey(let pre) = try s.encrypt([9]) else { Issue.record("not pre-key"); return }
            #expect(try bob.createInboundSession(message: pre).plaintext == [9])
        }
    }

    @Test func signatures() {
        let a = OlmAccount()
        let sig = a.sign(Array("x".utf8))
        #expect(a.ed25519Key.isValidSignature(sig, for: Array("x".utf8)))
        #expect(!a.ed25519Key.isValidSignature(sig, for: Array("y".utf8)))
        #expect(a.curve25519Key.base64.count == 43)
    }
}
