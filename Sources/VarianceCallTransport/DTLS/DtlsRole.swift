/// The `a=setup` attribute (RFC 4145, RFC 8842 §5.2): who sends the DTLS ClientHello.
public enum DtlsSetup: String, Sendable, Hashable {
    /// The offerer's usual value: the answerer picks.
    case actpass
    /// This side is the DTLS client.
    case active
    /// This side is the DTLS server.
    case passive

    /// The answer's setup for an offer's: we take `active` when the offer leaves it to us, as
    /// WebRTC answerers do.
    public func answer() -> DtlsSetup {
        switch self {
        case .actpass, .passive: .active
        case .active: .passive
        }
    }
}

/// Which end of the DTLS handshake this side is.
public enum DtlsRole: Sendable, Hashable {
    case client
    case server

    /// Our role once both `a=setup` values are known. The offerer passes its own `actpass`
    /// with the answer's value; the answerer passes its chosen value.
    public init?(local: DtlsSetup, remote: DtlsSetup) {
        switch (local, remote) {
        case (.active, .actpass), (.active, .passive): self = .client
        case (.passive, .actpass), (.passive, .active): self = .server
        case (.actpass, .active): self = .server
        case (.actpass, .passive): self = .client
        default: return nil
        }
    }
}
