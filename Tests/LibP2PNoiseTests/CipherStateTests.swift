import Crypto
import Testing

@testable import LibP2PNoise

struct CipherStateTests {
    static let key = [UInt8](repeating: 0x42, count: 32)

    @Test func nonceIsFourZeroBytesThenLittleEndian64() {
        #expect(CipherState.nonceBytes(0) == [UInt8](repeating: 0, count: 12))
        #expect(CipherState.nonceBytes(1) == [0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0])
        #expect(
            CipherState.nonceBytes(0x0102_0304_0506_0708) == [0, 0, 0, 0, 8, 7, 6, 5, 4, 3, 2, 1])
    }

    @Test func ciphertextMatchesChaChaPolyWithThatNonce() throws {
        var cipher = CipherState(key: Self.key)
        _ = try cipher.encrypt(ad: [], plaintext: [1])
        let ciphertext = try cipher.encrypt(ad: [9, 9], plaintext: [1, 2, 3])
        let box = try ChaChaPoly.seal(
            [1, 2, 3] as [UInt8], using: SymmetricKey(data: Self.key),
            nonce: ChaChaPoly.Nonce(data: CipherState.nonceBytes(1)), authenticating: [9, 9] as [UInt8])
        #expect(ciphertext == Array(box.ciphertext) + Array(box.tag))
        #expect(cipher.nonce == 2)
    }

    @Test func withoutKeyBytesPassThrough() throws {
        var cipher = CipherState(key: nil)
        #expect(!cipher.hasKey)
        #expect(try cipher.encrypt(ad: [1], plaintext: [5, 6]) == [5, 6])
        #expect(try cipher.decrypt(ad: [1], ciphertext: [5, 6]) == [5, 6])
        #expect(cipher.nonce == 0)
    }

    @Test func failedDecryptionDoesNotAdvanceNonce() throws {
        var sender = CipherState(key: Self.key)
        var receiver = CipherState(key: Self.key)
        var ciphertext = try sender.encrypt(ad: [], plaintext: [1, 2, 3])
        ciphertext[0] ^= 1
        #expect(noiseError { _ = try receiver.decrypt(ad: [], ciphertext: ciphertext) } == .decryptFailed)
        #expect(receiver.nonce == 0)
        #expect(noiseError { _ = try receiver.decrypt(ad: [], ciphertext: [1, 2]) } == .decryptFailed)
        ciphertext[0] ^= 1
        #expect(try receiver.decrypt(ad: [], ciphertext: ciphertext) == [1, 2, 3])
        #expect(receiver.nonce == 1)
    }

    @Test func wrongAssociatedDataFails() throws {
        var sender = CipherState(key: Self.key)
        var receiver = CipherState(key: Self.key)
        let ciphertext = try sender.encrypt(ad: [1], plaintext: [7])
        #expect(noiseError { _ = try receiver.decrypt(ad: [2], ciphertext: ciphertext) } == .decryptFailed)
    }

    @Test func nonceMaximumIsReserved() throws {
        var sender = CipherState(key: Self.key, nonce: .max - 1)
        var receiver = CipherState(key: Self.key, nonce: .max - 1)
        let last = try sender.encrypt(ad: [], plaintext: [1])
        #expect(sender.nonce == .max)
        #expect(noiseError { _ = try sender.encrypt(ad: [], plaintext: [1]) } == .nonceExhausted)
        #expect(try receiver.decrypt(ad: [], ciphertext: last) == [1])
        #expect(noiseError { _ = try receiver.decrypt(ad: [], ciphertext: last) } == .nonceExhausted)
    }

    /// The spec's HKDF with two outputs is RFC 5869 HKDF with `ck` as salt and empty info.
    @Test func hkdfMatchesRFC5869() {
        var generator = SeededGenerator(state: 7)
        for length in [0, 32, 100] {
            let chainingKey = generator.bytes(32)
            let material = generator.bytes(length)
            let (output1, output2) = SymmetricState.hkdf(chainingKey: chainingKey, inputKeyMaterial: material)
            let reference = HKDF<SHA256>.deriveKey(
                inputKeyMaterial: SymmetricKey(data: material), salt: chainingKey, outputByteCount: 64)
            #expect(output1 + output2 == reference.withUnsafeBytes { Array($0) })
        }
    }

    @Test func protocolNameOfHashLengthIsPaddedLongerIsHashed() {
        let exact = SymmetricState(protocolName: "Noise_XX_25519_ChaChaPoly_SHA256")
        #expect(exact.handshakeHash == Array("Noise_XX_25519_ChaChaPoly_SHA256".utf8))
        let short = SymmetricState(protocolName: "Noise_NN")
        #expect(short.handshakeHash == Array("Noise_NN".utf8) + [UInt8](repeating: 0, count: 24))
        let long = SymmetricState(protocolName: "Noise_XXpsk3_25519_ChaChaPoly_SHA256")
        #expect(long.handshakeHash == Array(SHA256.hash(data: Array("Noise_XXpsk3_25519_ChaChaPoly_SHA256".utf8))))
    }
}
