/// Errors from mnemonic handling, identity derivation and the identity file.
///
/// Messages name positions, lengths and paths, never words, keys or passphrases.
public enum IdentityError: Error, Sendable, Equatable, CustomStringConvertible {
    /// All words are in the list, but the BIP39 checksum does not match (a word is wrong
    /// or the order is wrong).
    case badChecksum
    /// The mnemonic has the wrong number of words or a word outside the BIP39 English list;
    /// the message says which (by position, never by the word).
    case invalidMnemonic(String)
    /// The identity file could not be decrypted with the given passphrase.
    case wrongPassphrase
    /// The identity file is encrypted and no passphrase was given.
    case locked
    /// The identity file is truncated, damaged or not an identity file; the message says how.
    case corrupt(String)
    /// Reading or writing the identity file failed; the message has the path and the OS error.
    case io(String)

    /// A sentence a person can act on.
    public var description: String {
        switch self {
        case .badChecksum:
            return "The recovery phrase checksum does not match; check the words and their order."
        case .invalidMnemonic(let reason):
            return "Invalid recovery phrase: \(reason)."
        case .wrongPassphrase:
            return "Wrong passphrase for the identity file."
        case .locked:
            return "The identity file is encrypted; a passphrase is required."
        case .corrupt(let reason):
            return "The identity file is damaged: \(reason)."
        case .io(let reason):
            return "Identity file I/O failed: \(reason)."
        }
    }
}
