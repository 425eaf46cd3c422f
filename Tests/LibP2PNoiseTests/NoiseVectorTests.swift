import Crypto
import Foundation
import Testing

@testable import LibP2PNoise

/// Known-answer tests from the Noise vectors of cacophony and snow
/// (`Tests/Vectors/libp2p/noise/`), `Noise_XX_25519_ChaChaPoly_SHA256` only.
struct NoiseVectorTests {
    struct Message: Decodable {
        let payload: String
        let ciphertext: String
    }

    struct Vector: Decodable {
        let protocol_name: String
        let init_prologue: String
        let init_static: String
        let init_ephemeral: String
        let resp_prologue: String
        let resp_static: String
        let resp_ephemeral: String
        let handshake_hash: String?
        let messages: [Message]
    }

    struct VectorFile: Decodable {
        let vectors: [Vector]
    }

    static let files = [
        "libp2p/noise/cacophony-XX_25519_ChaChaPoly_SHA256.json",
        "libp2p/noise/snow-XX_25519_ChaChaPoly_SHA256.json",
    ]

    static func vectors(_ file: String) throws -> [Vector] {
        try JSONDecoder().decode(VectorFile.self, from: VectorFiles.data(file)).vectors
            .filter { $0.protocol_name == "Noise_XX_25519_ChaChaPoly_SHA256" }
    }

    static func key(_ hex: String) throws -> Curve25519.KeyAgreement.PrivateKey {
        try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: [UInt8](hex: hex))
    }

    @Test(arguments: files)
    func handshakeAndTransportMessages(file: String) throws {
        let vectors = try Self.vectors(file)
        #expect(vectors.count == 1)
        for vector in vectors {
            var initiator = HandshakeState(
                role: .initiator, prologue: [UInt8](hex: vector.init_prologue),
                staticKey: try Self.key(vector.init_static), ephemeralKey: try Self.key(vector.init_ephemeral))
            var responder = HandshakeState(
                role: .responder, prologue: [UInt8](hex: vector.resp_prologue),
                staticKey: try Self.key(vector.resp_static), ephemeralKey: try Self.key(vector.resp_ephemeral))

            // Handshake: messages 0, 1, 2 alternate initiator → responder → initiator.
            for (index, message) in vector.messages.prefix(3).enumerated() {
                let payload = [UInt8](hex: message.payload)
                let expected = [UInt8](hex: message.ciphertext)
                let fromInitiator = index % 2 == 0
                let ciphertext =
                    fromInitiator
                    ? try initiator.writeMessage(payload: payload) : try responder.writeMessage(payload: payload)
                #expect(ciphertext == expected, "handshake message \(index)")
                let decrypted =
                    fromInitiator ? try responder.readMessage(expected[...]) : try initiator.readMessage(expected[...])
                #expect(decrypted == payload, "handshake message \(index)")
            }
            #expect(initiator.isComplete && responder.isComplete)
            #expect(initiator.handshakeHash == responder.handshakeHash)
            if let hash = vector.handshake_hash {
                #expect(initiator.handshakeHash == [UInt8](hex: hash))
            }
            #expect(initiator.remoteStaticKey == Array(try Self.key(vector.resp_static).publicKey.rawRepresentation))
            #expect(responder.remoteStaticKey == Array(try Self.key(vector.init_static).publicKey.rawRepresentation))

            // Transport: the alternation continues (message 3 comes from the responder).
            var initiatorCiphers = try #require(initiator.transport)
            var responderCiphers = try #require(responder.transport)
            for (index, message) in vector.messages.enumerated().dropFirst(3) {
                let payload = [UInt8](hex: message.payload)
                let expected = [UInt8](hex: message.ciphertext)
                if index % 2 == 0 {
                    #expect(try initiatorCiphers.sending.encrypt(ad: [], plaintext: payload) == expected)
                    #expect(try responderCiphers.receiving.decrypt(ad: [], ciphertext: expected) == payload)
                } else {
                    #expect(try responderCiphers.sending.encrypt(ad: [], plaintext: payload) == expected)
                    #expect(try initiatorCiphers.receiving.decrypt(ad: [], ciphertext: expected) == payload)
                }
            }
        }
    }

    /// The first XX message's empty payload still goes through `EncryptAndHash`: with no
    /// key it is sent as nothing but mixed into `h` (`h = HASH(h || "")`), which go and rust
    /// also do; skipping it breaks authentication against them.
    @Test func emptyFirstPayloadIsMixedIntoHash() throws {
        let ephemeral = Curve25519.KeyAgreement.PrivateKey()
        var state = HandshakeState(
            role: .initiator, staticKey: Curve25519.KeyAgreement.PrivateKey(), ephemeralKey: ephemeral)
        let message = try state.writeMessage(payload: [])
        #expect(message == Array(ephemeral.publicKey.rawRepresentation))

        var expected = SymmetricState(protocolName: "Noise_XX_25519_ChaChaPoly_SHA256")
        expected.mixHash([])  // prologue
        expected.mixHash(message[...])  // e
        let withoutPayloadHash = expected.handshakeHash
        expected.mixHash([])  // EncryptAndHash(empty payload)
        #expect(state.handshakeHash == expected.handshakeHash)
        #expect(state.handshakeHash != withoutPayloadHash)
    }
}
