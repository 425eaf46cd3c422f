/// The bounds every decoder here enforces. Input beyond a bound is refused with
/// ``MessagingError/tooLarge(_:)`` before it is decoded further.
public enum MessagingLimits {
    /// An encoded ``SignedIdentityRecord``.
    public static let maxIdentityRecordBytes = 8 * 1024
    /// A `did:key` string.
    public static let maxDIDBytes = 128
    /// A username, UTF-8.
    public static let maxUsernameBytes = 64
    /// One-time keys offered in a record.
    public static let maxOfferedOneTimeKeys = 32
    /// Peer IDs in a record (at least one).
    public static let maxPeerIDs = 8
    /// A binary peer ID.
    public static let maxPeerIDBytes = 64
    /// An Olm key id.
    public static let maxKeyIDBytes = 16
    /// A text body, UTF-8.
    public static let maxTextBodyBytes = 64 * 1024
    /// A message id (ULID) or reply-to id.
    public static let maxMessageIDBytes = 64
    /// A disappearing timer: 30 days, in seconds.
    public static let maxTimerSeconds: UInt32 = 30 * 24 * 60 * 60
    /// Ids in one receipt.
    public static let maxReceiptIDs = 256
    /// An encoded ``Content`` (the Olm plaintext).
    public static let maxContentBytes = 72 * 1024
    /// An encoded ``Envelope``.
    public static let maxEnvelopeBytes = 96 * 1024
    /// An envelope id.
    public static let envelopeIDBytes = 16
    /// An encoded SignedCallSignal (an offer carries SDP with every ICE candidate).
    public static let maxCallSignalBytes = 32 * 1024
    /// An MLS group id.
    public static let groupIDBytes = 16
    /// A group's name, UTF-8.
    public static let maxGroupNameBytes = 256
    /// Members of a group (and member entries in a ``GroupWelcome``).
    public static let maxGroupMembers = 256
    /// Addresses in a ``MemberInfo``.
    public static let maxMemberAddresses = 16
    /// One multiaddr in text form.
    public static let maxAddressBytes = 512
    /// An encoded ``Ack``, key request or key response.
    public static let maxControlMessageBytes = 16 * 1024
}
