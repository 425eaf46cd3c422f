import Crypto
import LibP2PCore
import LibP2PNoise
import NIOCore

/// Turns a raw TCP connection into an authenticated, encrypted one ready for yamux:
///
/// ```
///   TCP ─▶ multistream-select "/noise" ─▶ Noise XX (libp2p payload) ─▶
///          multistream-select "/yamux/1.0.0" (inside Noise) ─▶ UpgradedConnection
/// ```
///
/// Every step is a pure core (`MultistreamDialer`/`Listener`, `NoiseHandshake`); this type
/// only moves bytes between them and the socket. Bytes that arrive with the last message of
/// a step belong to the next step and are handed on, never dropped.
struct Upgrader {
    static let securityProtocol = "/noise"
    static let muxerProtocol = "/yamux/1.0.0"

    enum Role { case dialer, listener }

    let role: Role
    let identity: Curve25519.Signing.PrivateKey
    let expectedPeer: PeerID?

    /// The result: who the peer is, the Noise session, and decrypted bytes already received
    /// that belong to yamux.
    struct Upgraded {
        var remotePeer: PeerID
        var transport: NoiseTransport
        var muxerBytes: [UInt8]
    }

    func upgrade(
        reader: inout ByteReader, outbound: ByteWriter
    ) async throws -> Upgraded {
        // 1. Security protocol, in the clear.
        var leftover = try await negotiate(
            role == .dialer ? .dialer([Self.securityProtocol]) : .listener([Self.securityProtocol]),
            reader: &reader, initial: [], write: { try await outbound.write($0) },
            transform: nil)

        // 2. Noise handshake.
        var handshake = NoiseHandshake(
            role: role == .dialer ? .initiator : .responder, identity: identity, expectedRemotePeer: expectedPeer)
        let first = try handshake.start()
        if !first.isEmpty { try await outbound.write(first) }
        var input = leftover
        var transport: NoiseTransport
        var remotePeer: PeerID
        while true {
            if input.isEmpty {
                guard let chunk = try await reader.next() else { throw LibP2PError.connectionClosed }
                input = chunk
            }
            let step = try handshake.receive(input)
            input = []
            switch step {
            case .needMore(let send):
                if !send.isEmpty { try await outbound.write(send) }
            case .complete(let send, let session, let peer, let remainder):
                if !send.isEmpty { try await outbound.write(send) }
                transport = session
                remotePeer = peer
                leftover = remainder
                return try await negotiateMuxer(
                    reader: &reader, outbound: outbound, transport: transport, remotePeer: remotePeer, leftover: leftover)
            }
        }
    }

    /// 3. The muxer, inside Noise.
    private func negotiateMuxer(
        reader: inout ByteReader, outbound: ByteWriter, transport: NoiseTransport,
        remotePeer: PeerID, leftover: [UInt8]
    ) async throws -> Upgraded {
        let box = TransportBox(transport)
        let initial = leftover.isEmpty ? [] : try box.decrypt(leftover)
        let muxerBytes = try await negotiate(
            role == .dialer ? .dialer([Self.muxerProtocol]) : .listener([Self.muxerProtocol]),
            reader: &reader, initial: initial,
            write: { plaintext in try await outbound.write(try box.encrypt(plaintext)) },
            transform: { try box.decrypt($0) })
        return Upgraded(remotePeer: remotePeer, transport: box.transport, muxerBytes: muxerBytes)
    }

    enum Negotiation {
        case dialer([String])
        case listener(Set<String>)
    }

    /// Runs multistream-select to agreement; returns the bytes received after it.
    private func negotiate(
        _ negotiation: Negotiation, reader: inout ByteReader, initial: [UInt8],
        write: ([UInt8]) async throws -> Void, transform: (([UInt8]) throws -> [UInt8])?
    ) async throws -> [UInt8] {
        var negotiator: any MultistreamNegotiator
        switch negotiation {
        case .dialer(let protocols):
            var dialer = MultistreamDialer(protocols: protocols)
            try await write(dialer.start())
            negotiator = dialer
        case .listener(let supported):
            negotiator = MultistreamListener(supported: supported)
        }
        var input = initial
        while true {
            if input.isEmpty {
                guard let chunk = try await reader.next() else { throw LibP2PError.connectionClosed }
                input = try transform?(chunk) ?? chunk
                if input.isEmpty { continue }
            }
            let outcome = try negotiator.receive(input)
            input = []
            switch outcome {
            case .needMore(let send):
                if !send.isEmpty { try await write(send) }
            case .agreed(_, let send, let remainder):
                if !send.isEmpty { try await write(send) }
                return remainder
            case .failed(let error, let send):
                if !send.isEmpty { try await write(send) }
                throw LibP2PError.protocolNotSupported("\(error)")
            }
        }
    }
}

/// Either side of multistream-select, as the shells drive it.
protocol MultistreamNegotiator {
    mutating func receive(_ bytes: [UInt8]) throws(MultistreamError) -> MultistreamOutcome
}

extension MultistreamDialer: MultistreamNegotiator {}
extension MultistreamListener: MultistreamNegotiator {}

/// The Noise session during muxer negotiation, used from the closures above.
private final class TransportBox {
    var transport: NoiseTransport
    init(_ transport: NoiseTransport) { self.transport = transport }
    func encrypt(_ plaintext: [UInt8]) throws -> [UInt8] { try transport.encrypt(plaintext) }
    func decrypt(_ ciphertext: [UInt8]) throws -> [UInt8] { try transport.decrypt(ciphertext) }
}
