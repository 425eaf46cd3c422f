/// Errors of the libp2p shell. Messages name what happened and with whom, never key bytes.
public enum LibP2PError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The peer broke a protocol rule.
    case protocolViolation(String)
    /// Negotiation found no protocol both sides speak.
    case protocolNotSupported(String)
    /// The connection closed before the operation finished.
    case connectionClosed
    /// The stream was reset by either side.
    case streamReset
    /// A limit was reached (connections, streams, pending handshakes).
    case limitReached(String)
    /// The operation took longer than allowed.
    case timeout(String)
    /// The address cannot be dialled or listened on.
    case unsupportedAddress(String)
    /// The peer's identity is not the one dialled.
    case peerMismatch(expected: String, actual: String)
    /// Dialling failed.
    case dialFailed(String)

    public var description: String {
        switch self {
        case .protocolViolation(let s): "protocol violation: \(s)"
        case .protocolNotSupported(let s): "protocol not supported: \(s)"
        case .connectionClosed: "the connection closed"
        case .streamReset: "the stream was reset"
        case .limitReached(let s): "limit reached: \(s)"
        case .timeout(let s): "timed out: \(s)"
        case .unsupportedAddress(let s): "unsupported address: \(s)"
        case .peerMismatch(let expected, let actual): "dialled \(expected) but the peer is \(actual)"
        case .dialFailed(let s): "dial failed: \(s)"
        }
    }
}
