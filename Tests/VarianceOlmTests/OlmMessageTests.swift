import Testing
@testable import VarianceOlm

struct OlmMessageTests {
    /// The encoding vector of vodozemac's message tests.
    @Test func encodesLikeVodozemac() throws {
        let key = try Curve25519PublicKey(bytes: Array("ratchetkeyhereprettyplease123456".utf8))
        let m = NormalMessage(ratchetKey: key, chainIndex: 2, ciphertext: Array("ciphertext".utf8), mac: Array("MACHEREE".utf8))
        let expected: [UInt8] = [3, 0x0a, 0x20] + Array("ratchetkeyhereprettyplease123456".utf8) + [0x10, 2, 0x22, 10]
            + Array("ciphertextMACHEREE".utf8)
        #expect(m.bytes == expected)
        #expect(try NormalMessage(bytes: expected) == m)
    }

    @Test func garbageIsRefused() {
        for bytes: [UInt8] in [[], [3], [4, 0, 0, 0, 0, 0, 0, 0, 0, 0], [3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]] {
            #expect(throws: OlmError.self) { try NormalMessage(bytes: bytes) }
            #expect(throws: OlmError.self) { try PreKeyMessage(bytes: bytes) }
        }
    }

    @Test func byteByBytePrefixesNeverCrash() throws {
        let alice = OlmAccount()
        var bob = OlmAccount()
        bob.generateOneTimeKeys(1)
        var s = try alice.createOutboundSession(identityKey: bob.curve25519Key, oneTimeKey: bob.oneTimeKeys[0].key)
        let bytes = try s.encrypt(Array("hi".utf8)).bytes
        for n in 0..<bytes.count { _ = try? PreKeyMessage(bytes: Array(bytes.prefix(n))) }
        #expect(try PreKeyMessage(bytes: bytes).bytes == bytes)
    }
}
