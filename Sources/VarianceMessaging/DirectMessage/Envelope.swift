import VarianceOlm

/// A `/variance/dm/1.0.0` envelope: an Olm message with clear routing fields. The clear
/// fields are claims, checked against the sender's verified identity record when the
/// envelope is decrypted (``DirectSessionBook``).
public struct Envelope: Sendable, Hashable {
    /// The envelope format version this code writes and accepts.
    public static let version: UInt32 = 1

    /// The sender's DID (claimed).
    public var senderDID: String
    /// The sender's Olm Curve25519 identity key (claimed).
    public var senderKey: Curve25519PublicKey
    /// The recipient's DID.
    public var recipientDID: String
    /// The Olm message (type 0 pre-key or 1 normal).
    public var message: OlmMessage
    /// 16 random bytes; what the ``Ack`` names.
    public var envelopeID: [UInt8]

    public init(senderDID: String, senderKey: Curve25519PublicKey, recipientDID: String, message: OlmMessage, envelopeID: [UInt8]) {
        self.senderDID = senderDID
        self.senderKey = senderKey
        self.recipientDID = recipientDID
        self.message = message
        self.envelopeID = envelopeID
    }
}

/// The receiver's answer to envelopes.
public struct Ack: Sendable, Hashable {
    /// Why envelopes were refused (`Ack.Error` in the protobuf).
    public enum Refusal: Int, Sendable, Hashable, CaseIterable {
        case malformed = 1, unsupportedVersion, unknownSender, decryptFailed, tooLarge, rateLimited, wrongRecipient
    }

    /// Accepted envelopes (stored, or already stored: duplicates are accepted).
    public var envelopeIDs: [[UInt8]]
    /// Set when nothing was accepted.
    public var refusal: Refusal?

    public init(envelopeIDs: [[UInt8]], refusal: Refusal? = nil) {
        self.envelopeIDs = envelopeIDs
        self.refusal = refusal
    }
}
