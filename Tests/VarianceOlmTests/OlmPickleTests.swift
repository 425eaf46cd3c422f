import Testing
@testable import VarianceOlm

struct OlmPickleTests {
    let key = [UInt8](repeating: 0x42, count: 32)

    @Test func sessionRoundTripMidConversation() throws {
        var (a, b, _) = try OlmSessionTests.pair()
        var pending: [OlmMessage] = []
        for i in 0..<30 {
            if i % 3 == 0 { _ = try a.decrypt(b.encrypt([UInt8(i)])) }
            pending.append(try a.encrypt([UInt8(i)]))
        }
        _ = try b.decrypt(pending[29])  // leaves skipped keys behind
        let pickled = try b.pickle(key: key)
        var restored = try OlmSession(pickle: pickled, key: key)
        #expect(restored.sessionId == b.sessionId)
        for i in (0..<29).reversed() {
            #expect(try restored.decrypt(pending[i]) == [UInt8(i)])
        }
        for i in 0..<50 {
            #expect(try a.decrypt(restored.encrypt([UInt8(i)])) == [UInt8(i)])
            #expect(try restored.decrypt(a.encrypt([UInt8(i)])) == [UInt8(i)])
        }
        // The original, unpickled, behaves identically (value semantics).
        #expect(try b.decrypt(pending[3]) == [3])
    }

    @Test func accountRoundTrip() throws {
        var bob = OlmAccount()
        bob.generateOneTimeKeys(3)
        bob.generateFallbackKey()
        let restored = try OlmAccount(pickle: bob.pickle(key: key), key: key)
        #expect(restored.curve25519Key == bob.curve25519Key)
        #expect(restored.ed25519Key == bob.ed25519Key)
        #expect(restored.oneTimeKeys.map(\.key) == bob.oneTimeKeys.map(\.key))
        #expect(restored.oneTimeKeys.map(\.keyId) == ["AAAAAAAAAAA", "AAAAAAAAAAE", "AAAAAAAAAAI"])
        #expect(restored.fallbackKey?.key == bob.fallbackKey?.key)
        bob.markKeysAsPublished()
        var r2 = try OlmAccount(pickle: bob.pickle(key: key), key: key)
        #expect(r2.oneTimeKeys.isEmpty)
        // The restored account still opens a session with a published key.
        let alice = OlmAccount()
        var s = try alice.createOutboundSession(identityKey: r2.curve25519Key, oneTimeKey: bob.oneTimeKeyStore[1].pair.publicKey)
        guard case .preKey(let pre) = try s.encrypt([5]) else { Issue.record("not pre-key"); return }
        #expect(try r2.createInboundSession(message: pre).plaintext == [5])
    }

    @Test func wrongKeyKindAndCorruptionRefused() throws {
        let a = OlmAccount()
        let p = try a.pickle(key: key)
        #expect(throws: OlmError.self) { try OlmAccount(pickle: p, key: [UInt8](repeating: 1, count: 32)) }
        #expect(throws: OlmError.self) { try OlmAccount(pickle: p, key: [1, 2, 3]) }
        #expect(throws: OlmError.self) { try OlmSession(pickle: p, key: key) }
        var bad = p
        bad[bad.count / 2] ^= 1
        #expect(throws: OlmError.self) { try OlmAccount(pickle: bad, key: key) }
        var v2 = p
        v2[5] = 2
        #expect(throws: OlmError.badPickle("unsupported version")) { try OlmAccount(pickle: v2, key: key) }
    }
}
