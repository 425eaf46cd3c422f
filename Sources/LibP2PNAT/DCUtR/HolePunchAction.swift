import LibP2PCore

/// How a hole-punch dial is made, by role (libp2p/specs `relay/DCUtR.md`, step 5).
public enum HolePunchDialRole: Sendable, Hashable {
    /// An ordinary outbound dial, as the client of the security handshake and of QUIC. The
    /// responder (the spec's `A`) dials so as soon as `SYNC` arrives; the initiator also dials
    /// so in its unilateral upgrade.
    case client
    /// The initiator's half of the simultaneous open (the spec's `B`, when its RTT/2 timer
    /// expires), as the server: for TCP, dial (from the listen port) and run the security
    /// handshake as the responder; for QUIC, do not dial but send UDP packets of random bytes
    /// to the address at random intervals of 10–200 ms until the peer's connection arrives.
    case simultaneousOpenServer
}

/// What a DCUtR state machine asks its shell to do, in order.
public enum HolePunchAction: Sendable, Hashable {
    /// Open a new `/libp2p/dcutr` stream on the relayed connection, then call
    /// `streamOpened(now:)` (or `streamOpenFailed(now:)`). Initiator only.
    case openStream
    /// Write these bytes (framed messages) on the current stream.
    case write([UInt8])
    /// Close the current stream for writing once what was written is flushed (a FIN, never a
    /// reset: a `SYNC` written just before must still arrive).
    case closeStream
    /// Call `timerFired(now:)` at or after this instant (replaces any earlier wait).
    case wait(until: NATInstant)
    /// Dial the peer on these addresses, in parallel, in this role; report the first
    /// success with `dialSucceeded(_:now:)` or the failure of all with `dialFailed(now:)`.
    case dial([Multiaddr], role: HolePunchDialRole)
    /// Stop the dials still running (their results will be ignored).
    case cancelDials
    /// The machine is done; nothing more will come from it.
    case finished(HolePunchOutcome)
}

/// How a hole punch ended.
public enum HolePunchOutcome: Sendable, Hashable {
    /// A direct connection to the peer exists, on this address (the relayed one may be closed
    /// after a grace period), after this many DCUtR rounds (0 for a unilateral upgrade).
    case connected(Multiaddr, attempts: Int)
    /// The attempt was given up.
    case failed(HolePunchFailure)
}

/// Why a hole punch was given up.
public enum HolePunchFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// We have no address worth sending (no public observed address).
    case noLocalAddresses
    /// The peer sent no address we would dial.
    case noRemoteAddresses
    /// The peer did not send the expected message in time.
    case timedOut(waitingFor: HolePunchMessage.Kind)
    /// The stream could not be opened (the peer may not speak `/libp2p/dcutr`).
    case streamOpenFailed
    /// The peer closed or reset the stream before the exchange was over.
    case streamClosed
    /// The peer sent bytes that are not a valid message.
    case malformedMessage(NATWireError)
    /// The peer sent a message out of turn.
    case unexpectedMessage(HolePunchMessage.Kind)
    /// Every round of dials failed.
    case dialsFailed(attempts: Int)

    /// A sentence saying what went wrong.
    public var description: String {
        switch self {
        case .noLocalAddresses: "no public address of ours to offer for hole punching"
        case .noRemoteAddresses: "the peer offered no address worth dialling"
        case .timedOut(let kind): "timed out waiting for \(kind == .connect ? "CONNECT" : "SYNC")"
        case .streamOpenFailed: "the DCUtR stream could not be opened"
        case .streamClosed: "the peer closed the DCUtR stream early"
        case .malformedMessage(let error): "malformed DCUtR message: \(error)"
        case .unexpectedMessage(let kind): "unexpected \(kind == .connect ? "CONNECT" : "SYNC") message"
        case .dialsFailed(let attempts): "hole punching failed after \(attempts) attempt(s)"
        }
    }
}
