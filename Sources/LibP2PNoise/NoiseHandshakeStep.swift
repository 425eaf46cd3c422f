import LibP2PCore

/// What a ``NoiseHandshake`` asks its I/O shell to do after it received bytes.
public enum NoiseHandshakeStep: Sendable {
    /// The handshake goes on: write `send` (possibly empty) and read more.
    case needMore(send: [UInt8])
    /// The handshake is done and the peer authenticated: write `send` (the last handshake
    /// message, or empty), then use `session` for all further bytes, starting with
    /// `remainder`, the bytes that arrived after the last handshake message (pass them to
    /// `session.decrypt`; they must not be dropped).
    case complete(send: [UInt8], session: NoiseTransport, remotePeer: PeerID, remainder: [UInt8])
}
