/// The fixed facts of `/variance/offline/1.0.0`: names, sizes and the version written on the
/// wire. Tunable bounds live in ``OfflineLimits``.
public enum OfflineProtocol {
    /// The libp2p protocol id negotiated with multistream-select.
    public static let id = "/variance/offline/1.0.0"
    /// The `version` field of every message this code writes and accepts.
    public static let version: UInt32 = 1
    /// An Ed25519 public key (a mailbox name).
    public static let recipientKeyBytes = 32
    /// An envelope id, chosen by the sender.
    public static let envelopeIDBytes = 16
    /// A fetch challenge nonce.
    public static let nonceBytes = 32
    /// An Ed25519 signature.
    public static let signatureBytes = 64
    /// The domain separator that opens the signed fetch transcript.
    public static let fetchDomain: [UInt8] = Array("variance-offline-fetch/1".utf8)
    /// The longest relay identity accepted in a transcript (a binary peer ID is ≤ 64 bytes).
    public static let maxServerIdentityBytes = 256
}
