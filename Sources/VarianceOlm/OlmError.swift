/// Errors of the Olm core. Small values: they never carry key material or plaintext.
public enum OlmError: Error, Sendable, Equatable {
    /// A message or key could not be decoded (bad version, truncated, malformed protobuf).
    case malformed(String)
    /// The MAC of a message did not verify.
    case badMAC
    /// The ciphertext did not decrypt to valid PKCS#7 padding.
    case badPadding
    /// The message key was already used (a replay) or was dropped from the bounded store.
    case missingMessageKey(chainIndex: UInt64)
    /// The message is too far ahead in its chain.
    case messageGapTooLarge(gap: UInt64)
    /// A Diffie-Hellman exchange produced an all-zero (non-contributory) secret.
    case nonContributoryKey
    /// The pre-key message names a one-time key this account does not hold.
    case unknownOneTimeKey
    /// The pre-key message's identity key is not the one expected.
    case identityKeyMismatch
    /// A pickle could not be decrypted or is of an unsupported version.
    case badPickle(String)
}
