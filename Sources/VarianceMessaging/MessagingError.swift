import VarianceOlm

/// Errors of the messaging core. Small values: never key material or message text.
public enum MessagingError: Error, Sendable, Equatable {
    /// Bytes did not decode, or a field has the wrong shape (named by the string).
    case malformed(String)
    /// An input exceeds one of ``MessagingLimits`` (named by the string).
    case tooLarge(String)
    /// A `version` field this code does not know.
    case unsupportedVersion(UInt32)
    /// A signature did not verify (the string names which).
    case badSignature(String)
    /// The record is signed by, or names, a DID other than the one expected.
    case didMismatch
    /// The envelope's sender DID or Olm identity key is not the verified contact's.
    case senderMismatch
    /// The envelope is addressed to another DID.
    case wrongRecipient
    /// The Olm layer refused the message (replay, tampering, unknown one-time key, ...).
    case olm(OlmError)
    /// A normal (type 1) message that no session with this contact decrypts.
    case noSession
    /// No session with the contact exists and no one-time or fallback key was given.
    case noKeyForNewSession
    /// The content's id was already received from this contact (a replay or a retry).
    case duplicate(id: String)
    /// A session book pickle could not be opened or is of an unknown version.
    case badPickle(String)
}
