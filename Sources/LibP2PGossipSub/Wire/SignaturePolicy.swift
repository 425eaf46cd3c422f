/// How messages are signed and which incoming messages are accepted (pubsub README,
/// "Message Signing"; the names are go-libp2p's).
public enum SignaturePolicy: Sendable, Hashable {
    /// Our messages carry `from`, `seqno` and an Ed25519 signature over
    /// `"libp2p-pubsub:" + Message` (without `signature` and `key`); incoming messages must
    /// carry all three and a valid signature by the key of `from`.
    case strictSign
    /// Our messages carry none of `from`, `seqno`, `signature`, `key`; incoming messages that
    /// carry any of them are refused.
    case strictNoSign
}
