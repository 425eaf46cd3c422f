import Crypto

// A Noise `HandshakeState` (Noise Protocol Framework rev 34, §5.3) for 25519, ChaChaPoly and
// SHA256, driven by a ``HandshakePattern`` (libp2p uses XX):
//
//     initiator                                   responder
//       writeMessage ── 0: e ───────────────────▶ readMessage
//       readMessage  ◀── 1: e, ee, s, es ──────── writeMessage
//       writeMessage ── 2: s, se ───────────────▶ readMessage
//                      Split() on both sides
//
// Every message ends with `EncryptAndHash(payload)`, even message 0, where there is no key
// yet and the payload (usually empty) is only mixed into `h`.

/// A Noise `HandshakeState`: the ``SymmetricState``, the local static and ephemeral key
/// pairs, the remote public keys, and the position in the message pattern.
///
/// All randomness comes in through the initializer (the ephemeral key), so a handshake is
/// reproducible from its inputs. After any thrown error the state must be discarded.
package struct HandshakeState: Sendable {
    /// The longest Noise message (§3).
    package static let maxMessageLength = 65_535
    /// `DHLEN` of Curve25519.
    package static let dhLength = 32

    /// Which side this is.
    package let role: NoiseRole
    private let pattern: HandshakePattern
    private var symmetric: SymmetricState
    private let localStatic: Curve25519.KeyAgreement.PrivateKey
    private let localEphemeral: Curve25519.KeyAgreement.PrivateKey
    private var remoteStatic: Curve25519.KeyAgreement.PublicKey?
    private var remoteEphemeral: Curve25519.KeyAgreement.PublicKey?
    private var messageIndex = 0
    /// After the last message: the cipher for our messages and the one for the peer's.
    package private(set) var transport: (sending: CipherState, receiving: CipherState)?

    /// `Initialize(...)`: `InitializeSymmetric(protocol_name)`, then `MixHash(prologue)`.
    ///
    /// - Parameters:
    ///   - pattern: The message pattern; it must have no pre-messages.
    ///   - role: Initiator or responder.
    ///   - prologue: Data both sides must agree on (libp2p over TCP uses none).
    ///   - staticKey: The local static key pair `s`.
    ///   - ephemeralKey: The local ephemeral key pair `e`; nil draws a fresh one.
    package init(
        pattern: HandshakePattern = .xx, role: NoiseRole, prologue: [UInt8] = [],
        staticKey: Curve25519.KeyAgreement.PrivateKey,
        ephemeralKey: Curve25519.KeyAgreement.PrivateKey? = nil
    ) {
        self.pattern = pattern
        self.role = role
        self.localStatic = staticKey
        self.localEphemeral = ephemeralKey ?? Curve25519.KeyAgreement.PrivateKey()
        self.symmetric = SymmetricState(protocolName: "Noise_\(pattern.name)_25519_ChaChaPoly_SHA256")
        symmetric.mixHash(prologue[...])
    }

    /// True once every message of the pattern has been written or read.
    package var isComplete: Bool { messageIndex == pattern.messages.count }

    /// True if the next message is ours to write.
    package var isOurTurn: Bool {
        !isComplete && (messageIndex % 2 == 0) == (role == .initiator)
    }

    /// The handshake hash `h` (final once ``isComplete``).
    package var handshakeHash: [UInt8] { symmetric.handshakeHash }

    /// The remote static public key `rs`, once received.
    package var remoteStaticKey: [UInt8]? { remoteStatic.map { Array($0.rawRepresentation) } }

    /// `WriteMessage(payload, message_buffer)`.
    ///
    /// - Parameter payload: The payload; encrypted if a key exists, else sent in clear.
    /// - Returns: The handshake message (at most 65,535 bytes).
    /// - Throws: ``NoiseError/unexpectedMessage`` out of turn, ``NoiseError/frameTooLarge(length:)``
    ///   if the message would exceed 65,535 bytes, ``NoiseError/invalidPublicKey``.
    package mutating func writeMessage(payload: [UInt8]) throws(NoiseError) -> [UInt8] {
        guard isOurTurn else { throw .unexpectedMessage }
        var message: [UInt8] = []
        for token in pattern.messages[messageIndex] {
            switch token {
            case .e:
                let publicKey = Array(localEphemeral.publicKey.rawRepresentation)
                message += publicKey
                symmetric.mixHash(publicKey[...])
            case .s:
                try symmetric.encryptAndHash(Array(localStatic.publicKey.rawRepresentation)[...], into: &message)
            case .ee, .es, .se, .ss:
                try mixKey(token)
            }
        }
        try symmetric.encryptAndHash(payload[...], into: &message)
        guard message.count <= Self.maxMessageLength else { throw .frameTooLarge(length: message.count) }
        advance()
        return message
    }

    /// `ReadMessage(message, payload_buffer)`.
    ///
    /// - Parameter message: One whole handshake message.
    /// - Returns: The decrypted payload.
    /// - Throws: ``NoiseError/unexpectedMessage`` out of turn, ``NoiseError/frameTooLarge(length:)``,
    ///   ``NoiseError/malformedMessage`` if truncated, ``NoiseError/decryptFailed``,
    ///   ``NoiseError/invalidPublicKey``.
    package mutating func readMessage(_ message: ArraySlice<UInt8>) throws(NoiseError) -> [UInt8] {
        guard !isComplete, !isOurTurn else { throw .unexpectedMessage }
        guard message.count <= Self.maxMessageLength else { throw .frameTooLarge(length: message.count) }
        var rest = message
        for token in pattern.messages[messageIndex] {
            switch token {
            case .e:
                let bytes = try Self.take(Self.dhLength, from: &rest)
                remoteEphemeral = try Self.publicKey(bytes)
                symmetric.mixHash(bytes)
            case .s:
                let length = Self.dhLength + (symmetric.hasKey ? CipherState.tagLength : 0)
                let bytes = try Self.take(length, from: &rest)
                remoteStatic = try Self.publicKey(try symmetric.decryptAndHash(bytes)[...])
            case .ee, .es, .se, .ss:
                try mixKey(token)
            }
        }
        let payload = try symmetric.decryptAndHash(rest)
        advance()
        return payload
    }

    private mutating func advance() {
        messageIndex += 1
        if isComplete {
            let (c1, c2) = symmetric.split()
            transport = role == .initiator ? (c1, c2) : (c2, c1)
        }
    }

    /// `MixKey(DH(...))` for a DH token, choosing keys by role (§7.1).
    private mutating func mixKey(_ token: HandshakePattern.Token) throws(NoiseError) {
        let initiator = role == .initiator
        let secret: [UInt8]
        switch token {
        case .ee: secret = try Self.dh(localEphemeral, remoteEphemeral)
        case .es:
            secret = initiator ? try Self.dh(localEphemeral, remoteStatic) : try Self.dh(localStatic, remoteEphemeral)
        case .se:
            secret = initiator ? try Self.dh(localStatic, remoteEphemeral) : try Self.dh(localEphemeral, remoteStatic)
        case .ss: secret = try Self.dh(localStatic, remoteStatic)
        case .e, .s: throw .internalFailure
        }
        symmetric.mixKey(secret)
    }

    /// `DH(key_pair, public_key)`; an all-zero result (a low-order public key) is refused.
    private static func dh(
        _ privateKey: Curve25519.KeyAgreement.PrivateKey, _ publicKey: Curve25519.KeyAgreement.PublicKey?
    ) throws(NoiseError) -> [UInt8] {
        guard let publicKey else { throw .unexpectedMessage }
        let secret: [UInt8]
        do {
            secret = try privateKey.sharedSecretFromKeyAgreement(with: publicKey).withUnsafeBytes { Array($0) }
        } catch {
            throw .invalidPublicKey
        }
        guard secret.contains(where: { $0 != 0 }) else { throw .invalidPublicKey }
        return secret
    }

    private static func publicKey(_ bytes: ArraySlice<UInt8>) throws(NoiseError) -> Curve25519.KeyAgreement.PublicKey {
        do {
            return try Curve25519.KeyAgreement.PublicKey(rawRepresentation: bytes)
        } catch {
            throw .invalidPublicKey
        }
    }

    private static func take(_ count: Int, from rest: inout ArraySlice<UInt8>) throws(NoiseError) -> ArraySlice<UInt8> {
        guard rest.count >= count else { throw .malformedMessage }
        let bytes = rest.prefix(count)
        rest = rest.dropFirst(count)
        return bytes
    }
}
