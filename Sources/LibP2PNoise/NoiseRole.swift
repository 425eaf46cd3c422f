/// Which side of a Noise handshake this is: the libp2p dialer is the initiator, the
/// listener the responder.
public enum NoiseRole: Sendable, Hashable {
    /// Sends the first handshake message (the dialer).
    case initiator
    /// Receives the first handshake message (the listener).
    case responder
}
