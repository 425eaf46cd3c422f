/// The type field of a yamux frame header (spec: "Type Field").
public enum YamuxFrameType: UInt8, Hashable, Sendable, CaseIterable {
    /// Carries stream bytes; the length field is the payload length. Counts against the window.
    case data = 0
    /// Grants the peer more send window; the length field is the increment. No payload.
    case windowUpdate = 1
    /// Measures round trips; the length field is an opaque value the peer echoes. No payload.
    case ping = 2
    /// Ends the session; the length field is a ``YamuxGoAwayCode``. No payload.
    case goAway = 3
}
