import Crypto
import Foundation
import Testing
import LibP2PCore
@testable import LibP2PNoise

/// Locates `Tests/Vectors/` relative to this source file (this test target has no resources).
enum VectorFiles {
    static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // LibP2PNoiseTests
        .deletingLastPathComponent()  // Tests
        .appendingPathComponent("Vectors")

    static func data(_ relativePath: String) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent(relativePath))
    }
}

extension Array where Element == UInt8 {
    init(hex: String) {
        precondition(hex.count % 2 == 0, "odd hex length")
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        self = bytes
    }
}

/// SplitMix64: a seeded generator so that random tests reproduce.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &self) }
    }
}

/// Two handshakes and the helpers to pass bytes between them, with no sockets.
struct HandshakePair {
    let initiatorIdentity = Curve25519.Signing.PrivateKey()
    let responderIdentity = Curve25519.Signing.PrivateKey()
    var initiator: NoiseHandshake
    var responder: NoiseHandshake

    init(expectedRemotePeer: PeerID? = nil, useExpectedResponder: Bool = false) {
        let expected = useExpectedResponder ? PeerID.of(responderIdentity) : expectedRemotePeer
        initiator = NoiseHandshake(role: .initiator, identity: initiatorIdentity, expectedRemotePeer: expected)
        responder = NoiseHandshake(role: .responder, identity: responderIdentity)
    }

    var initiatorPeer: PeerID { .of(initiatorIdentity) }
    var responderPeer: PeerID { .of(responderIdentity) }

    /// Runs the whole handshake delivering each message whole.
    mutating func run() throws -> (initiator: NoiseTransport, responder: NoiseTransport) {
        let message1 = try initiator.start()
        #expect(try responder.start() == [])
        guard case .needMore(let message2) = try responder.receive(message1) else { throw TestFailure.unexpectedStep }
        guard case .complete(let message3, let initiatorSession, let peerOfInitiator, let remainder1) =
            try initiator.receive(message2)
        else { throw TestFailure.unexpectedStep }
        guard case .complete(let nothing, let responderSession, let peerOfResponder, let remainder2) =
            try responder.receive(message3)
        else { throw TestFailure.unexpectedStep }
        #expect(nothing.isEmpty && remainder1.isEmpty && remainder2.isEmpty)
        #expect(peerOfInitiator == responderPeer)
        #expect(peerOfResponder == initiatorPeer)
        return (initiatorSession, responderSession)
    }
}

enum TestFailure: Error {
    case unexpectedStep
}

extension PeerID {
    static func of(_ identity: Curve25519.Signing.PrivateKey) -> PeerID {
        PeerID(ed25519PublicKey: Array(identity.publicKey.rawRepresentation))
    }
}

/// The `NoiseError` thrown by `body`, or nil if it returned.
func noiseError<T>(_ body: () throws -> T) -> NoiseError? {
    do {
        _ = try body()
        return nil
    } catch let error as NoiseError {
        return error
    } catch {
        Issue.record("not a NoiseError: \(error)")
        return nil
    }
}
