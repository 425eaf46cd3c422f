import Crypto
import Foundation
import LibP2PCore
import LibP2PProtos
import Testing

@testable import LibP2PNoise

/// Payloads built by hand (independently of `HandshakePayload.signed`) and sent by a
/// hand-driven Noise peer to a real `NoiseHandshake`.
struct HandshakePayloadTests {
    static let prefix = Array("noise-libp2p-static-key:".utf8)

    static func payload(identityKey: [UInt8]?, signature: [UInt8]?, muxers: [String] = []) throws -> [UInt8] {
        var payload = Libp2p_Noise_NoiseHandshakePayload()
        if let identityKey { payload.identityKey = Data(identityKey) }
        if let signature { payload.identitySig = Data(signature) }
        if !muxers.isEmpty { payload.extensions.streamMuxers = muxers }
        return try payload.serializedBytes()
    }

    /// The Ed25519 signature of `data` by `identity`.
    static func sign(_ identity: Curve25519.Signing.PrivateKey, _ data: [UInt8]) throws -> [UInt8] {
        Array(try identity.signature(for: data))
    }

    static func ed25519Key(_ identity: Curve25519.Signing.PrivateKey) -> [UInt8] {
        LibP2PPublicKey(ed25519: Array(identity.publicKey.rawRepresentation)).protobuf
    }

    static func framed(_ message: [UInt8]) -> [UInt8] {
        [UInt8(message.count >> 8), UInt8(message.count & 0xFF)] + message
    }

    /// Sends message 3 with the payload `make(staticPublicKey)` to a responder.
    static func responderResult(
        _ make: ([UInt8]) throws -> [UInt8]
    ) throws -> Result<PeerID, NoiseError> {
        let staticKey = Curve25519.KeyAgreement.PrivateKey()
        var manual = HandshakeState(role: .initiator, staticKey: staticKey)
        var responder = NoiseHandshake(role: .responder, identity: Curve25519.Signing.PrivateKey())
        guard case .needMore(let message2) = try responder.receive(framed(try manual.writeMessage(payload: []))) else {
            throw TestFailure.unexpectedStep
        }
        let responderPayload = try manual.readMessage(message2.dropFirst(2))
        #expect(!responderPayload.isEmpty)
        let message3 = try manual.writeMessage(payload: try make(Array(staticKey.publicKey.rawRepresentation)))
        do {
            guard case .complete(_, _, let peer, _) = try responder.receive(framed(message3)) else {
                throw TestFailure.unexpectedStep
            }
            return .success(peer)
        } catch let error as NoiseError {
            return .failure(error)
        }
    }

    /// Sends message 2 with the payload `make(staticPublicKey)` to an initiator.
    static func initiatorResult(_ make: ([UInt8]) throws -> [UInt8]) throws -> Result<PeerID, NoiseError> {
        let staticKey = Curve25519.KeyAgreement.PrivateKey()
        var manual = HandshakeState(role: .responder, staticKey: staticKey)
        var initiator = NoiseHandshake(role: .initiator, identity: Curve25519.Signing.PrivateKey())
        #expect(try manual.readMessage(try initiator.start().dropFirst(2)).isEmpty)
        let message2 = try manual.writeMessage(payload: try make(Array(staticKey.publicKey.rawRepresentation)))
        do {
            guard case .complete(let message3, _, let peer, _) = try initiator.receive(framed(message2)) else {
                throw TestFailure.unexpectedStep
            }
            _ = try manual.readMessage(message3.dropFirst(2))
            return .success(peer)
        } catch let error as NoiseError {
            return .failure(error)
        }
    }

    /// Sends the payload from a hand-driven initiator (0) or responder (1).
    static func result(from sender: Int, _ make: ([UInt8]) throws -> [UInt8]) throws -> Result<PeerID, NoiseError> {
        sender == 0 ? try responderResult(make) : try initiatorResult(make)
    }

    @Test(arguments: 0..<2)
    func handBuiltPayloadIsAccepted(sender: Int) throws {
        let identity = Curve25519.Signing.PrivateKey()
        let result = try Self.result(from: sender) { staticKey in
            try Self.payload(
                identityKey: Self.ed25519Key(identity),
                signature: try Self.sign(identity, Self.prefix + staticKey), muxers: ["/yamux/1.0.0"])
        }
        #expect(try result.get() == .of(identity))
    }

    @Test(arguments: 0..<2)
    func payloadSignedByAnotherKeyFails(sender: Int) throws {
        let identity = Curve25519.Signing.PrivateKey()
        let other = Curve25519.Signing.PrivateKey()
        let result = try Self.result(from: sender) { staticKey in
            try Self.payload(
                identityKey: Self.ed25519Key(identity), signature: try Self.sign(other, Self.prefix + staticKey))
        }
        #expect(result == .failure(.badSignature))
    }

    @Test(arguments: 0..<2)
    func signatureOverAnotherStaticKeyFails(sender: Int) throws {
        let identity = Curve25519.Signing.PrivateKey()
        let otherStatic = Array(Curve25519.KeyAgreement.PrivateKey().publicKey.rawRepresentation)
        let result = try Self.result(from: sender) { _ in
            try Self.payload(
                identityKey: Self.ed25519Key(identity), signature: try Self.sign(identity, Self.prefix + otherStatic))
        }
        #expect(result == .failure(.badSignature))
    }

    @Test func signatureWithoutPrefixFails() throws {
        let identity = Curve25519.Signing.PrivateKey()
        let result = try Self.responderResult { staticKey in
            try Self.payload(identityKey: Self.ed25519Key(identity), signature: try Self.sign(identity, staticKey))
        }
        #expect(result == .failure(.badSignature))
    }

    @Test func otherKeyTypesAreUnsupported() throws {
        let secp256k1 = LibP2PPublicKey(type: .secp256k1, data: [0x02] + [UInt8](repeating: 7, count: 32)).protobuf
        let result = try Self.responderResult { _ in
            try Self.payload(identityKey: secp256k1, signature: [UInt8](repeating: 1, count: 64))
        }
        #expect(result == .failure(.unsupportedKeyType))
        let unknownType: [UInt8] = [0x08, 0x09, 0x12, 0x01, 0x00]
        #expect(try Self.responderResult { _ in try Self.payload(identityKey: unknownType, signature: [1]) }
            == .failure(.unsupportedKeyType))
    }

    @Test func malformedPayloadsAreRefused() throws {
        let identity = Curve25519.Signing.PrivateKey()
        let cases: [([UInt8]) throws -> [UInt8]] = [
            { _ in [0xFF, 0xFF, 0xFF] },
            { _ in [] },
            { _ in try Self.payload(identityKey: Self.ed25519Key(identity), signature: nil) },
            { key in try Self.payload(identityKey: nil, signature: try Self.sign(identity, Self.prefix + key)) },
            { key in try Self.payload(identityKey: [0x08], signature: try Self.sign(identity, Self.prefix + key)) },
        ]
        for make in cases {
            #expect(try Self.responderResult(make) == .failure(.malformedMessage))
        }
        let shortKey = LibP2PPublicKey(type: .ed25519, data: [1, 2, 3]).protobuf
        #expect(try Self.responderResult { _ in try Self.payload(identityKey: shortKey, signature: [1]) }
            == .failure(.invalidPublicKey))
    }
}
