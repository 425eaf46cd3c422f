import LibP2PCore

/// Why a Noise handshake or transport failed.
///
/// Errors carry no key material and no message contents; the only data they hold are the
/// expected and actual peer IDs of a ``Kind/peerIDMismatch`` and the length of a frame that
/// was too large. After any `NoiseError` the connection must be closed: the handshake or
/// transport value that threw refuses further input.
public struct NoiseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public enum Kind: Sendable, Hashable {
        /// An AEAD ciphertext (handshake payload, static key or transport frame) did not
        /// authenticate: tampered, replayed, reordered or encrypted under another key.
        case decryptFailed
        /// The remote identity key did not sign the remote Noise static key.
        case badSignature
        /// The remote peer proved an identity other than the one that was dialled.
        case peerIDMismatch
        /// A frame or handshake message is longer than allowed.
        case frameTooLarge
        /// Input arrived when none was expected (before `start()`, after completion or
        /// after a failure), or a handshake message was written out of turn.
        case unexpectedMessage
        /// A handshake message or its payload is malformed (truncated, bad protobuf,
        /// missing identity key or signature).
        case malformedMessage
        /// The remote identity key is of a type we do not accept (only Ed25519 is).
        case unsupportedKeyType
        /// A public key is unusable: an X25519 key giving an all-zero shared secret, or an
        /// Ed25519 identity key that does not decode.
        case invalidPublicKey
        /// A cipher's nonce reached 2^64 - 1; the connection must be closed.
        case nonceExhausted
        /// A primitive failed that cannot fail for valid input (a bug, not bad input).
        case internalFailure
    }

    /// The kind of failure.
    public let kind: Kind
    /// For ``Kind/peerIDMismatch``: the peer ID that was dialled.
    public let expectedPeer: PeerID?
    /// For ``Kind/peerIDMismatch``: the peer ID the remote side proved.
    public let actualPeer: PeerID?
    /// For ``Kind/frameTooLarge``: the announced or attempted length in bytes.
    public let length: Int?

    private init(_ kind: Kind, expected: PeerID? = nil, actual: PeerID? = nil, length: Int? = nil) {
        self.kind = kind
        self.expectedPeer = expected
        self.actualPeer = actual
        self.length = length
    }

    /// An AEAD ciphertext did not authenticate.
    public static let decryptFailed = NoiseError(.decryptFailed)
    /// The remote identity key did not sign the remote Noise static key.
    public static let badSignature = NoiseError(.badSignature)
    /// Input arrived when none was expected.
    public static let unexpectedMessage = NoiseError(.unexpectedMessage)
    /// A handshake message or payload is malformed.
    public static let malformedMessage = NoiseError(.malformedMessage)
    /// The remote identity key type is not Ed25519.
    public static let unsupportedKeyType = NoiseError(.unsupportedKeyType)
    /// A public key is unusable.
    public static let invalidPublicKey = NoiseError(.invalidPublicKey)
    /// A nonce reached its reserved maximum.
    public static let nonceExhausted = NoiseError(.nonceExhausted)
    /// A primitive failed that cannot fail for valid input.
    public static let internalFailure = NoiseError(.internalFailure)

    /// The remote side proved `actual` where `expected` was dialled.
    ///
    /// - Parameters:
    ///   - expected: The peer ID that was dialled.
    ///   - actual: The peer ID derived from the remote identity key.
    public static func peerIDMismatch(expected: PeerID, actual: PeerID) -> NoiseError {
        NoiseError(.peerIDMismatch, expected: expected, actual: actual)
    }

    /// A frame or handshake message of `length` bytes exceeds its bound.
    ///
    /// - Parameter length: The announced or attempted length.
    public static func frameTooLarge(length: Int) -> NoiseError {
        NoiseError(.frameTooLarge, length: length)
    }

    /// A sentence naming the failure, with peer IDs and lengths where known.
    public var description: String {
        switch kind {
        case .decryptFailed: "Noise: decryption failed (tampered, replayed or misordered message)"
        case .badSignature: "Noise: the remote identity key did not sign the Noise static key"
        case .peerIDMismatch:
            "Noise: remote peer ID mismatch: expected \(expectedPeer.map(String.init(describing:)) ?? "?"), "
                + "got \(actualPeer.map(String.init(describing:)) ?? "?")"
        case .frameTooLarge: "Noise: frame of \(length.map(String.init) ?? "?") bytes exceeds the limit"
        case .unexpectedMessage: "Noise: unexpected message for the current state"
        case .malformedMessage: "Noise: malformed handshake message or payload"
        case .unsupportedKeyType: "Noise: unsupported identity key type (only Ed25519 is accepted)"
        case .invalidPublicKey: "Noise: invalid public key"
        case .nonceExhausted: "Noise: nonce exhausted; the connection must be closed"
        case .internalFailure: "Noise: internal failure of a cryptographic primitive"
        }
    }
}
