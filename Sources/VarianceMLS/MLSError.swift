/// An error from the MLS core.
///
/// Errors carry a kind and a short static reason. They never contain key material,
/// plaintext or other message contents.
public struct MLSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, coarsely.
    public enum Kind: Sendable, Equatable {
        /// The bytes do not decode as the expected structure.
        case malformed
        /// A cipher suite other than suite 1 was named.
        case unsupportedCipherSuite
        /// A signature, MAC or tag did not verify.
        case authenticationFailed
        /// An AEAD or HPKE ciphertext did not decrypt.
        case decryptionFailed
        /// A structurally valid value violates a protocol rule.
        case invalid
        /// The operation does not fit the current state.
        case wrongState
    }

    /// What went wrong.
    public let kind: Kind
    /// A short description of the rule that failed.
    public let reason: String

    /// Creates an error of `kind` with `reason`.
    public init(_ kind: Kind, _ reason: String) {
        self.kind = kind
        self.reason = reason
    }

    public var description: String { "MLS \(kind): \(reason)" }

    static func malformed(_ reason: String) -> MLSError { MLSError(.malformed, reason) }
    static func invalid(_ reason: String) -> MLSError { MLSError(.invalid, reason) }
    static func authentication(_ reason: String) -> MLSError { MLSError(.authenticationFailed, reason) }
    static func decryption(_ reason: String) -> MLSError { MLSError(.decryptionFailed, reason) }
    static func wrongState(_ reason: String) -> MLSError { MLSError(.wrongState, reason) }
}
