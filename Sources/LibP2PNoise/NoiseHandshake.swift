import Crypto
import LibP2PCore

// The libp2p Noise handshake (`/noise`, Noise_XX_25519_ChaChaPoly_SHA256), each message
// framed by a 2-byte big-endian length:
//
//   initiator (dialer)                                     responder (listener)
//   start() ───────── msg 1: e, payload "" ─────────────▶ receive() → needMore(send: msg 2)
//   receive() ◀─ msg 2: e, ee, s, es, payload(responder) ─┘
//     verify responder signature, check expected peer
//     → complete(send: msg 3, session, remotePeer, remainder)
//        └───────── msg 3: s, se, payload(initiator) ───▶ receive()
//                                                           verify initiator signature
//                                                           → complete(send: [], session,
//                                                                      remotePeer, remainder)
//
//   payload = NoiseHandshakePayload { identity_key, identity_sig, extensions }
//   identity_sig = Ed25519-Sign(identity, "noise-libp2p-static-key:" ‖ Noise static key)
//
// States: idle (initiator before start) → awaitingMessage → complete; any error → failed.

/// The libp2p Noise handshake (`/noise`) as a value: feed it the bytes read from the
/// connection and it returns the bytes to write, and finally an authenticated
/// ``NoiseTransport`` and the remote ``PeerID``.
///
/// Before the peer is authenticated, input is bounded: each handshake message may be at
/// most ``maxHandshakeMessageLength`` bytes (refused as soon as its length prefix arrives),
/// at most two messages are read, and at most one incomplete message is buffered. Bytes
/// after the last handshake message are returned as the `remainder` of
/// ``NoiseHandshakeStep/complete(send:session:remotePeer:remainder:)``.
///
/// After any error the handshake refuses further input; close the connection.
public struct NoiseHandshake: Sendable, CustomStringConvertible {
    /// The protocol ID negotiated with multistream-select.
    public static let protocolID = "/noise"
    /// The longest handshake message accepted from the peer. The messages of an Ed25519
    /// peer are under 300 bytes, an RSA-4096 peer's under 1.5 KiB.
    public static let maxHandshakeMessageLength = 8_192
    /// The stream muxers advertised by default (early muxer negotiation).
    public static let defaultStreamMuxers = ["/yamux/1.0.0"]

    private enum Phase: Sendable {
        case idle
        case awaitingMessage
        case complete
        case failed
    }

    /// Which side this is.
    public let role: NoiseRole
    /// Our libp2p peer ID (from the identity key).
    public let localPeer: PeerID
    /// The peer ID the dialer expects; a different authenticated peer fails the handshake.
    public let expectedRemotePeer: PeerID?
    /// The stream muxers we advertise in our payload.
    public let streamMuxers: [String]
    /// The authenticated remote peer, once its payload has been verified.
    public private(set) var remotePeer: PeerID?
    /// The stream muxers the remote side advertised (valid once ``remotePeer`` is set).
    public private(set) var remoteStreamMuxers: [String] = []

    private let identity: Curve25519.Signing.PrivateKey
    private let staticPublicKey: [UInt8]
    private var state: HandshakeState
    private var phase: Phase
    private var frames = NoiseFrameDecoder(maxFrameLength: NoiseHandshake.maxHandshakeMessageLength)

    /// A handshake for one connection.
    ///
    /// - Parameters:
    ///   - role: ``NoiseRole/initiator`` for the dialer, ``NoiseRole/responder`` for the listener.
    ///   - identity: Our libp2p identity key (Ed25519).
    ///   - expectedRemotePeer: For the dialer, the peer ID being dialled; nil accepts any peer.
    ///   - streamMuxers: Muxers to advertise in `extensions.stream_muxers`.
    ///   - prologue: Noise prologue; empty for libp2p over TCP.
    ///   - staticKey: The Noise static key; by default a fresh one per connection.
    ///   - ephemeralKey: The Noise ephemeral key; nil draws a fresh one (tests inject it).
    public init(
        role: NoiseRole,
        identity: Curve25519.Signing.PrivateKey,
        expectedRemotePeer: PeerID? = nil,
        streamMuxers: [String] = NoiseHandshake.defaultStreamMuxers,
        prologue: [UInt8] = [],
        staticKey: Curve25519.KeyAgreement.PrivateKey = .init(),
        ephemeralKey: Curve25519.KeyAgreement.PrivateKey? = nil
    ) {
        self.role = role
        self.identity = identity
        self.localPeer = PeerID(ed25519PublicKey: Array(identity.publicKey.rawRepresentation))
        self.expectedRemotePeer = expectedRemotePeer
        self.streamMuxers = streamMuxers
        self.staticPublicKey = Array(staticKey.publicKey.rawRepresentation)
        self.state = HandshakeState(
            pattern: .xx, role: role, prologue: prologue, staticKey: staticKey, ephemeralKey: ephemeralKey)
        self.phase = role == .initiator ? .idle : .awaitingMessage
    }

    /// True once the handshake has completed.
    public var isComplete: Bool { phase == .complete }

    /// The Noise handshake hash, identical on both sides once complete (channel binding).
    public var handshakeHash: [UInt8] { state.handshakeHash }

    /// Starts the handshake.
    ///
    /// - Returns: For the initiator, the framed first message (`e`, empty payload); for the
    ///   responder, nothing (it waits for the initiator).
    /// - Throws: ``NoiseError/unexpectedMessage`` if the initiator already started.
    public mutating func start() throws(NoiseError) -> [UInt8] {
        switch (role, phase) {
        case (.responder, .awaitingMessage):
            return []
        case (.initiator, .idle):
            do {
                let message = try state.writeMessage(payload: [])
                phase = .awaitingMessage
                return Self.framed(message)
            } catch {
                phase = .failed
                throw error
            }
        default:
            throw .unexpectedMessage
        }
    }

    /// Consumes bytes read from the connection (any amount: partial messages are buffered).
    ///
    /// - Parameter bytes: The bytes read.
    /// - Returns: ``NoiseHandshakeStep/needMore(send:)`` or
    ///   ``NoiseHandshakeStep/complete(send:session:remotePeer:remainder:)``.
    /// - Throws: ``NoiseError``; the handshake then refuses further input.
    public mutating func receive(_ bytes: [UInt8]) throws(NoiseError) -> NoiseHandshakeStep {
        guard phase == .awaitingMessage else { throw .unexpectedMessage }
        do {
            return try advance(with: bytes)
        } catch {
            phase = .failed
            throw error
        }
    }

    private mutating func advance(with bytes: [UInt8]) throws(NoiseError) -> NoiseHandshakeStep {
        frames.append(bytes)
        var send: [UInt8] = []
        while !state.isComplete, let message = try frames.next() {
            let payload = try state.readMessage(message)
            if remotePeer == nil, let remoteStaticKey = state.remoteStaticKey {
                try authenticate(payload, remoteStaticKey: remoteStaticKey)
            }
            if state.isOurTurn {
                let ours = try HandshakePayload.signed(
                    identity: identity, staticPublicKey: staticPublicKey, streamMuxers: streamMuxers)
                send += Self.framed(try state.writeMessage(payload: ours))
            }
        }
        guard state.isComplete else { return .needMore(send: send) }
        guard let transport = state.transport, let remotePeer else { throw .internalFailure }
        phase = .complete
        return .complete(
            send: send, session: NoiseTransport(sending: transport.sending, receiving: transport.receiving),
            remotePeer: remotePeer, remainder: frames.takeRemainder())
    }

    /// Verifies the remote payload, then checks the peer ID against the expected one.
    private mutating func authenticate(_ payload: [UInt8], remoteStaticKey: [UInt8]) throws(NoiseError) {
        let verified = try HandshakePayload.verify(payload, remoteStaticKey: remoteStaticKey)
        if let expectedRemotePeer, expectedRemotePeer != verified.peer {
            throw .peerIDMismatch(expected: expectedRemotePeer, actual: verified.peer)
        }
        remotePeer = verified.peer
        remoteStreamMuxers = verified.streamMuxers
    }

    private static func framed(_ message: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(2 + message.count)
        NoiseFrameDecoder.appendLength(message.count, to: &output)
        return output + message
    }

    /// A summary without key material.
    public var description: String {
        let remote = remotePeer.map(String.init(describing:)) ?? "unknown"
        return "NoiseHandshake(\(role), local: \(localPeer), remote: \(remote), \(phase))"
    }
}
